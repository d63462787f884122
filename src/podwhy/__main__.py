"""python -m podwhy"""

import sys

from podwhy.cli import main

sys.exit(main())
