"""Neutralise cluster-sourced text before it reaches a terminal (the CVE-2021-25743 class).

Event messages, names, labels and images are written by whoever can create a pod. ANSI CSI/OSC/DCS
sequences are removed whole; any other C0/C1 control character (and DEL) is shown as a visible
`\\xNN` escape. Newlines and tabs survive only where the caller allows them.
"""

from __future__ import annotations

import re

# ESC [ ... final byte  |  ESC ] ... BEL or ST  |  ESC P/X/^/_ ... ST  |  8-bit CSI/OSC  |  other 2-byte ESC x
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]{0,4096}(?:\x07|\x1b\\)?"
    r"|\x1b[PX^_][^\x1b]{0,4096}(?:\x1b\\)?"
    r"|\x9b[0-?]*[ -/]*[@-~]"
    r"|\x9d[^\x07\x9c]{0,4096}[\x07\x9c]?"
    r"|\x1b[@-Z\\-_]?"
)
# C0/C1 and DEL; line/paragraph separators; bidi embeddings, overrides, isolates and marks (U+061C,
# U+200E/F: the Trojan Source class, CVE-2021-42574); zero-width and invisible characters (U+200B-D,
# U+2060-4, U+FEFF) that make two different names look the same.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e"
                       r"\u2060-\u2064\u2066-\u2069\ufeff]")


def clean(text: object, *, multiline: bool = False) -> str:
    s = str(text)
    s = _ESCAPES.sub("", s)
    if not multiline:
        s = s.replace("\r\n", "\n").replace("\n", "⏎").replace("\t", " ")
    return _CONTROLS.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", s)
