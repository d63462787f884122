"""podwhy: why is this Kubernetes Pod stuck? Evidence and the exact fix, offline or live, no LLM.

The curated public API; everything else is private and may change.

The names are resolved on first use (module `__getattr__`), so `import podwhy` (and the CLI's start-up,
which imports this package first) does not import the analyzers, the snapshot model or msgspec.
"""

from __future__ import annotations

import sys
import types
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from podwhy.analyzers.base import Options
    from podwhy.catalog import CODES
    from podwhy.diagnose import Selection, diagnose
    from podwhy.errors import ClusterError, InputError, PodwhyError, SnapshotError
    from podwhy.findings import Evidence, Finding, Fix, Group, Report, Subject
    from podwhy.snapshot import Snapshot

__version__ = "0.1.0"

_PUBLIC = {
    "CODES": "podwhy.catalog",
    "ClusterError": "podwhy.errors",
    "Evidence": "podwhy.findings",
    "Finding": "podwhy.findings",
    "Fix": "podwhy.findings",
    "Group": "podwhy.findings",
    "InputError": "podwhy.errors",
    "Options": "podwhy.analyzers.base",
    "PodwhyError": "podwhy.errors",
    "Report": "podwhy.findings",
    "Selection": "podwhy.diagnose",
    "Snapshot": "podwhy.snapshot",
    "SnapshotError": "podwhy.errors",
    "Subject": "podwhy.findings",
    "diagnose": "podwhy.diagnose",
}


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


class _Package(types.ModuleType):
    """`podwhy.diagnose` is the function, as when this package imported it eagerly: the import system binds
    a submodule on its package once loaded, and the function of the same name must win."""

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) and _PUBLIC.get(name) == value.__name__:
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __dir__() -> list[str]:
    return sorted({*globals(), *_PUBLIC})


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
