"""Reports on an output stream that cannot encode the renderers' glyphs (`LC_ALL=C`, `PYTHONIOENCODING=latin-1`).

The text and Markdown renderers draw with a few non-ASCII glyphs (✗ ✓ ● × ▸ “ ” … — ⏎). On such a stream
they are replaced by ASCII look-alikes, and any character left that the encoding cannot hold (a name or
message from the cluster) is written as a backslash escape: the report is always written, never a crash.
"""

from __future__ import annotations

import codecs

# The renderers' own glyphs and their ASCII stand-ins (same width where possible, so wrapping holds).
GLYPHS = {
    "✗": "x",
    "✓": "+",
    "●": "*",
    "×": "x",
    "▸": ">",
    "“": '"',
    "”": '"',
    "…": "...",
    "—": "-",
    "–": "-",
    "→": "->",
    "⏎": "\\n",
    "\u200c": "",  # zero-width non-joiner (breaks ``` inside Markdown code blocks)
    "≥": ">=",
    "≤": "<=",
}
_TABLE = str.maketrans(GLYPHS)
_PROBE = "".join(g for g in GLYPHS if g != "\u200c")


def encoding_of(stream: object) -> str:
    """The stream's encoding, normalised ('utf-8' when it has none: an in-memory text stream)."""
    enc = getattr(stream, "encoding", None)
    if not isinstance(enc, str) or not enc:
        return "utf-8"
    try:
        return codecs.lookup(enc).name
    except LookupError:
        return "utf-8"


def needs_ascii(encoding: str) -> bool:
    """True when `encoding` cannot hold the renderers' glyphs."""
    if encoding in ("utf-8", "utf-16", "utf-32", "utf-8-sig"):
        return False
    try:
        _PROBE.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return True
    return False


def for_stream(text: str, encoding: str) -> str:
    """`text` made writable to a stream of `encoding`: glyphs to ASCII, anything else unencodable escaped."""
    if not needs_ascii(encoding):
        return text
    text = text.translate(_TABLE)
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        text = text.encode(encoding, "backslashreplace").decode(encoding)
    except LookupError:
        text = text.encode("ascii", "backslashreplace").decode("ascii")
    return text
