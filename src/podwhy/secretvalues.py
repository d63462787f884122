"""Recognising a Secret's value in text without keeping the value.

A container's log may print a credential it was given (a connection string with its password, a token).
podwhy quotes log lines, so a line that holds a value of a Secret in the input must be withheld. The values
are never stored: while a Secret is decoded, each value (and each line and whitespace-separated word of it,
at least MIN_LEN characters) is reduced to a keyed BLAKE2b digest with a key made for this process, and a
log line is checked by digesting its words the same way. Hand-written because no library does this; hashlib
is the standard library's.
"""

from __future__ import annotations

import hashlib
import os
import re

# Shorter values ("true", "5432", "admin") are too common to mean anything and would withhold innocent lines.
MIN_LEN = 6
_KEY = os.urandom(32)
# Word boundaries in log lines: whitespace, quotes and the separators of key=value / JSON / URLs.
_SPLIT = re.compile(r"[\s\"'`,;=&?()\[\]{}<>]+|(?<=[:@/])|(?=[:@/])")


def digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), key=_KEY, digest_size=16).digest()


def value_digests(value: bytes) -> frozenset[bytes]:
    """Digests of a decoded Secret value: the whole value, each line, each word (MIN_LEN characters or more)."""
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError:
        return frozenset()  # binary (a keystore): never printed as a log line anyway
    parts = {text.strip()}
    for line in text.splitlines():
        parts.add(line.strip())
        parts.update(_SPLIT.split(line))
    return frozenset(digest(p) for p in parts if len(p) >= MIN_LEN)


def holds_value(line: str, digests: frozenset[bytes]) -> bool:
    """True when the line, or one of its words, is a value of a Secret that was read."""
    if not digests:
        return False
    if digest(line.strip()) in digests:
        return True
    return any(len(w) >= MIN_LEN and digest(w) in digests for w in _SPLIT.split(line))
