"""Arguments of the printed fix commands: a JSON document as one single-quoted POSIX shell word, compact
(kubectl's `-p` takes it verbatim; a `'` inside, possible in offline names, is closed, escaped and reopened)."""

from __future__ import annotations

import json
from typing import Any


def json_arg(doc: Any) -> str:
    return "'" + json.dumps(doc, separators=(",", ":")).replace("'", "'\\''") + "'"
