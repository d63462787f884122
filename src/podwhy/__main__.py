"""python -m podwhy"""

from podwhy.cli import entry

entry()
