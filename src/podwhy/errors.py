"""Every exception podwhy raises on purpose.

    PodwhyError                 base; `exit_code` is what the CLI exits with
    ├── InputError              bad command-line usage or unreadable/invalid input (exit 2)
    │   └── SnapshotError       a file/document/field that cannot be read (exit 2)
    ├── QuantityError           a resource quantity that does not parse (callers turn it into a finding or note)
    └── ClusterError            the live cluster is unreachable or refuses us (exit 3)
"""


class PodwhyError(Exception):
    exit_code = 2


class InputError(PodwhyError):
    exit_code = 2


class SnapshotError(InputError):
    """A file, document or field that cannot be read. The message names all three where known."""

    def __init__(self, message: str, *, path: str = "", document: int | None = None, field: str = "") -> None:
        where = path
        if document is not None:
            where += f" (document {document})"
        if field:
            where += f" at {field}"
        super().__init__(f"{where}: {message}" if where else message)
        self.path = path
        self.document = document
        self.field = field


class QuantityError(PodwhyError, ValueError):
    exit_code = 2


class ClusterError(PodwhyError):
    exit_code = 3
