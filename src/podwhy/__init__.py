"""podwhy: why is this Kubernetes Pod stuck? Evidence and the exact fix, offline or live, no LLM.

The curated public API; everything else is private and may change.
"""

from podwhy.analyzers.base import Options
from podwhy.catalog import CODES
from podwhy.diagnose import Selection, diagnose
from podwhy.errors import ClusterError, InputError, PodwhyError, SnapshotError
from podwhy.findings import Evidence, Finding, Fix, Group, Report, Subject
from podwhy.snapshot import Snapshot

__version__ = "0.1.0"

__all__ = [
    "CODES",
    "ClusterError",
    "Evidence",
    "Finding",
    "Fix",
    "Group",
    "InputError",
    "Options",
    "PodwhyError",
    "Report",
    "Selection",
    "Snapshot",
    "SnapshotError",
    "Subject",
    "__version__",
    "diagnose",
]
