"""Image reference grammar and docker.io normalisation, as the kubelet, containerd and CRI-O apply them.

Mirrors distribution/reference (HEAD 0965666: regexp.go, reference.go, normalize.go; the same language
as docker/distribution v2.7-v2.8 vendored by kubelet <=1.28) and semantics.md B4. Written as a small
scanner instead of one big regular expression so that an invalid reference comes back with the
index of the offending character, which is what a person needs to see.

`parse_normalized()` is ParseNormalizedNamed: bare names get `docker.io` and `library/`,
`index.docker.io` becomes `docker.io`, an upper-case repository is rejected. `parse()` is the
non-normalising Parse. `suggest_correction()` proposes the string the user most likely meant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

DEFAULT_DOMAIN = "docker.io"
LEGACY_DEFAULT_DOMAIN = "index.docker.io"
OFFICIAL_REPO_PREFIX = "library/"
NAME_TOTAL_LENGTH_MAX = 255
TAG_MAX = 128

# Error texts of distribution/reference reference.go (ErrReferenceInvalidFormat, ...).
ERR_INVALID_FORMAT = "invalid reference format"
ERR_TAG_INVALID = "invalid tag format"
ERR_DIGEST_INVALID = "invalid digest format"
ERR_NAME_UPPERCASE = "repository name must be lowercase"
ERR_NAME_EMPTY = "repository name must have at least one component"
ERR_NAME_TOO_LONG = "repository name must not be more than 255 characters"

# go-digest: algorithm -> hex length (sha256, sha384, sha512 are the registered ones).
_DIGEST_HEX_LEN = {"sha256": 64, "sha384": 96, "sha512": 128}
_DIGEST_ALGO = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*")
_HEX = re.compile(r"[0-9a-fA-F]{32,}")
_ANCHORED_ID = re.compile(r"[a-f0-9]{64}")
_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_LOWER_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_HOST_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{0,15}://")


class ReferenceError(ValueError):
    """An invalid reference: the upstream error text and the index of the offending character."""

    def __init__(self, message: str, index: int, reason: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.index = index
        # Our plain-words explanation of what is wrong at `index`.
        self.reason = reason or message


@dataclass(frozen=True, slots=True)
class Reference:
    """A parsed reference. For normalised references `domain` is never empty."""

    original: str
    domain: str
    path: str
    tag: str | None = None
    digest: str | None = None

    @property
    def repository(self) -> str:
        """domain/path: the key every registry, keyring and tag index uses."""
        return f"{self.domain}/{self.path}" if self.domain else self.path

    @property
    def string(self) -> str:
        out = self.repository
        if self.tag is not None:
            out += f":{self.tag}"
        if self.digest is not None:
            out += f"@{self.digest}"
        return out

    @property
    def with_default_tag(self) -> str:
        """What containerd/CRI-O print: fully qualified, `:latest` when neither tag nor digest."""
        if self.tag is None and self.digest is None:
            return f"{self.repository}:latest"
        return self.string

    @property
    def familiar(self) -> str:
        """docker's short form (FamiliarString): `nginx:1`, `user/app:1`, `quay.io/x/y:1`."""
        path = self.path
        if self.domain == DEFAULT_DOMAIN:
            if path.startswith(OFFICIAL_REPO_PREFIX) and path.count("/") == 1:
                path = path[len(OFFICIAL_REPO_PREFIX):]
            name = path
        else:
            name = self.repository
        if self.tag is not None:
            name += f":{self.tag}"
        if self.digest is not None:
            name += f"@{self.digest}"
        return name

    @property
    def is_docker_hub(self) -> bool:
        return self.domain == DEFAULT_DOMAIN


def _first_whitespace(s: str) -> int:
    for i, ch in enumerate(s):
        if ch.isspace():
            return i
    return -1


def _scan_path_component(s: str, start: int, end: int) -> ReferenceError | None:
    """path-component = [a-z0-9]+ ((\\.|_|__|-+) [a-z0-9]+)*  over s[start:end]."""
    if start == end:
        return ReferenceError(ERR_INVALID_FORMAT, start, "empty path component (a doubled or trailing '/')")
    i = start
    need_alnum = True
    while i < end:
        ch = s[i]
        if ch in _LOWER_ALNUM:
            need_alnum = False
            i += 1
            continue
        if ch.isupper():
            return ReferenceError(ERR_NAME_UPPERCASE, i, f"upper-case {ch!r}: repository names are lower-case")
        if ch in "._-":
            if need_alnum:
                where = "start a path component" if i == start else "follow another separator here"
                return ReferenceError(ERR_INVALID_FORMAT, i, f"{ch!r} cannot {where}")
            if ch == ".":
                i += 1
            elif ch == "_":
                i += 2 if i + 1 < end and s[i + 1] == "_" else 1
            else:
                while i < end and s[i] == "-":
                    i += 1
            need_alnum = True
            continue
        return ReferenceError(ERR_INVALID_FORMAT, i, f"{ch!r} is not allowed in a repository name")
    if need_alnum:
        return ReferenceError(ERR_INVALID_FORMAT, end - 1, f"a path component cannot end with {s[end - 1]!r}")
    return None


def _scan_domain(s: str, start: int, end: int) -> ReferenceError | None:
    """domain = host [":" port]; host = labels joined by '.', or an IPv6 literal in brackets."""
    i = start
    if i < end and s[i] == "[":
        close = s.find("]", i, end)
        if close < 0:
            return ReferenceError(ERR_INVALID_FORMAT, i, "unterminated IPv6 literal")
        for j in range(i + 1, close):
            if s[j] not in "0123456789abcdefABCDEF:":
                return ReferenceError(ERR_INVALID_FORMAT, j, f"{s[j]!r} is not allowed in an IPv6 literal")
        if close == i + 1:
            return ReferenceError(ERR_INVALID_FORMAT, close, "empty IPv6 literal")
        i = close + 1
    else:
        label_start = i
        while i < end and s[i] != ":":
            ch = s[i]
            if ch == ".":
                if i == label_start:
                    return ReferenceError(ERR_INVALID_FORMAT, i, "empty label in the registry host")
                if s[i - 1] == "-":
                    return ReferenceError(ERR_INVALID_FORMAT, i - 1, "a host label cannot end with '-'")
                label_start = i + 1
            elif ch == "-":
                if i == label_start:
                    return ReferenceError(ERR_INVALID_FORMAT, i, "a host label cannot start with '-'")
            elif ch not in _HOST_CHARS:
                return ReferenceError(ERR_INVALID_FORMAT, i, f"{ch!r} is not allowed in a registry host")
            i += 1
        if i == label_start:
            return ReferenceError(ERR_INVALID_FORMAT, i, "empty label in the registry host")
        if s[i - 1] == "-":
            return ReferenceError(ERR_INVALID_FORMAT, i - 1, "a host label cannot end with '-'")
    if i < end:
        if s[i] != ":":
            return ReferenceError(ERR_INVALID_FORMAT, i, f"{s[i]!r} after the registry host")
        if i + 1 == end:
            return ReferenceError(ERR_INVALID_FORMAT, i, "':' without a port number")
        for j in range(i + 1, end):
            if not s[j].isdigit() or not s[j].isascii():
                return ReferenceError(ERR_INVALID_FORMAT, j, f"{s[j]!r} in the registry port")
    return None


def _scan_tag(s: str, start: int, end: int) -> ReferenceError | None:
    """tag = [\\w][\\w.-]{0,127}"""
    if start == end:
        return ReferenceError(ERR_INVALID_FORMAT, start - 1, "':' is not followed by a tag")
    if s[start] not in _WORD:
        return ReferenceError(ERR_INVALID_FORMAT, start, f"a tag cannot start with {s[start]!r}")
    for i in range(start + 1, end):
        if s[i] not in _WORD and s[i] not in ".-":
            return ReferenceError(ERR_INVALID_FORMAT, i, f"{s[i]!r} is not allowed in a tag")
    if end - start > TAG_MAX:
        return ReferenceError(ERR_INVALID_FORMAT, start + TAG_MAX, "a tag is at most 128 characters")
    return None


def _scan_digest(s: str, start: int, end: int) -> ReferenceError | None:
    text = s[start:end]
    algo, sep, hexpart = text.partition(":")
    m = _DIGEST_ALGO.fullmatch(algo)
    if not sep or m is None:
        return ReferenceError(ERR_INVALID_FORMAT, start - 1, "'@' must be followed by a digest like sha256:<64 hex>")
    if not _HEX.fullmatch(hexpart):
        bad = next((k for k, ch in enumerate(hexpart) if ch not in "0123456789abcdefABCDEF"), 0)
        return ReferenceError(ERR_INVALID_FORMAT, start + len(algo) + 1 + bad, "a digest is hexadecimal")
    want = _DIGEST_HEX_LEN.get(algo)
    if want is None:
        return ReferenceError("unsupported digest algorithm", start, f"digest algorithm {algo!r} is not supported")
    if len(hexpart) != want:
        return ReferenceError("invalid checksum digest length", start + len(algo) + 1,
                              f"a {algo} digest has {want} hex characters, this one has {len(hexpart)}")
    if hexpart != hexpart.lower():
        return ReferenceError("invalid checksum digest format", start + len(algo) + 1, "a digest is lower-case hex")
    return None


def _looks_like_domain(component: str) -> bool:
    """splitDockerDomain: the first part is a host if it has '.' or ':', is localhost, or has upper case."""
    return "." in component or ":" in component or component == "localhost" or component != component.lower() \
        or component.startswith("[")


def _split(s: str) -> tuple[str, str | None, str | None, int, int]:
    """-> (name, tag, digest, tag_start, digest_start); starts are -1 when absent."""
    at = s.find("@")
    name_tag, digest, dstart = (s, None, -1) if at < 0 else (s[:at], s[at + 1:], at + 1)
    slash = name_tag.rfind("/")
    colon = name_tag.rfind(":")
    if colon > slash:
        return name_tag[:colon], name_tag[colon + 1:], digest, colon + 1, dstart
    return name_tag, None, digest, -1, dstart


def _check(s: str, *, normalise: bool) -> Reference:
    if not s:
        raise ReferenceError(ERR_NAME_EMPTY if not normalise else ERR_INVALID_FORMAT, 0, "the image is empty")
    ws = _first_whitespace(s)
    if ws >= 0:
        raise ReferenceError(ERR_INVALID_FORMAT, ws, "whitespace is not allowed in an image reference")
    m = _SCHEME.match(s)
    if m:
        raise ReferenceError(ERR_INVALID_FORMAT, 0, f"{m.group(0)!r} is a URL scheme, not part of an image reference")
    if normalise and _ANCHORED_ID.fullmatch(s):
        raise ReferenceError(f"invalid repository name ({s}), cannot specify 64-byte hexadecimal strings", 0,
                             "a bare 64-hex string is an image ID, not a reference")
    if s.count("@") > 1:
        raise ReferenceError(ERR_INVALID_FORMAT, s.index("@", s.index("@") + 1), "more than one '@'")
    name, tag, digest, tstart, dstart = _split(s)
    # Components of the name with their start offsets.
    comps: list[tuple[int, int]] = []
    pos = 0
    for part in name.split("/"):
        comps.append((pos, pos + len(part)))
        pos += len(part) + 1
    domain = ""
    first = 0
    if len(comps) > 1:
        a, b = comps[0]
        head = s[a:b]
        if _looks_like_domain(head) or (not normalise and _scan_domain(s, a, b) is None
                                        and _scan_path_component(s, a, b) is not None):
            err = _scan_domain(s, a, b)
            if err is not None:
                raise err
            domain = head
            first = 1
    # Normalised: repository upper case is reported first, with the remote name (>=1.29 text).
    if normalise:
        for a, b in comps[first:]:
            for i in range(a, b):
                if s[i].isupper():
                    remote = s[comps[first][0]:comps[-1][1]]
                    if (not domain or domain in (DEFAULT_DOMAIN, LEGACY_DEFAULT_DOMAIN)) and "/" not in remote:
                        remote = OFFICIAL_REPO_PREFIX + remote
                    raise ReferenceError(f"invalid reference format: repository name ({remote}) must be lowercase",
                                         i, f"upper-case {s[i]!r}: repository names are lower-case")
    for a, b in comps[first:]:
        err = _scan_path_component(s, a, b)
        if err is not None:
            raise err
    if tag is not None:
        err = _scan_tag(s, tstart, tstart + len(tag))
        if err is not None:
            raise err
    if digest is not None:
        err = _scan_digest(s, dstart, len(s))
        if err is not None:
            raise err
    path = name[len(domain) + 1:] if domain else name
    if len(path if normalise else name) > NAME_TOTAL_LENGTH_MAX:
        raise ReferenceError(ERR_NAME_TOO_LONG, NAME_TOTAL_LENGTH_MAX, "the repository name is too long")
    if normalise:
        if not domain or domain == LEGACY_DEFAULT_DOMAIN:
            domain = DEFAULT_DOMAIN
        if domain == DEFAULT_DOMAIN and "/" not in path:
            path = OFFICIAL_REPO_PREFIX + path
    return Reference(original=s, domain=domain, path=path, tag=tag, digest=digest)


def parse(s: str) -> Reference:
    """distribution/reference Parse: grammar only, no docker.io defaults (domain may be empty)."""
    return _check(s, normalise=False)


# The common, valid shapes as one regular expression (regexp.go's ReferenceRegexp restricted to
# lower-case hosts and sha256 digests): a match is parsed in C; anything else, valid or not, goes
# through the scanner, which alone knows where an invalid reference goes wrong. The test suite
# checks that both agree on every string the fast path accepts.
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_HOST = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
_FAST = re.compile(
    rf"(?:({_HOST}(?:\.{_HOST})*(?::[0-9]+)?)/)?({_COMPONENT}(?:/{_COMPONENT})*)"
    r"(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?")


def _fast_normalized(s: str) -> Reference | None:
    m = _FAST.fullmatch(s)
    if m is None or _ANCHORED_ID.fullmatch(s):
        return None
    head, path, tag, digest = m.groups()
    if head is not None and not ("." in head or ":" in head or head == "localhost"):
        # splitDockerDomain: a first component without '.', ':' and not localhost is a path component
        path, head = f"{head}/{path}", None
    if len(path) > NAME_TOTAL_LENGTH_MAX:
        return None
    domain = head or DEFAULT_DOMAIN
    if domain == LEGACY_DEFAULT_DOMAIN:
        domain = DEFAULT_DOMAIN
    if domain == DEFAULT_DOMAIN and "/" not in path:
        path = OFFICIAL_REPO_PREFIX + path
    return Reference(original=s, domain=domain, path=path, tag=tag, digest=digest)


def parse_normalized(s: str) -> Reference:
    """distribution/reference ParseNormalizedNamed (what the kubelet's parsers.ParseImageName uses)."""
    return _fast_normalized(s) or _check(s, normalise=True)


@lru_cache(maxsize=65536)
def try_parse(s: str) -> Reference | None:
    try:
        return parse_normalized(s)
    except ReferenceError:
        return None


def repository_of(s: str) -> str | None:
    """The normalised repository (`docker.io/library/nginx`) of an image string, or None when invalid.

    Accepts what status fields hold too: `docker.io/library/nginx@sha256:...` and `sha256:...` (None).
    """
    ref = try_parse(s)
    return ref.repository if ref is not None else None


def suggest_correction(s: str) -> str | None:
    """The valid reference the user most likely meant, or None when no simple repair makes it valid.

    Repairs, in order: whitespace, a URL scheme, doubled '/', a trailing ':' '@' or '/', upper case in
    the repository path (the host may keep its case; tags are case-sensitive and kept).
    """
    t = "".join(s.split())
    t = _SCHEME.sub("", t, count=1)
    t = re.sub(r"/{2,}", "/", t)
    t = re.sub(r":{2,}", ":", t)
    t = t.rstrip(":@/")
    name, tag, digest, _, _ = _split(t)
    parts = name.split("/")
    if len(parts) > 1 and _looks_like_domain(parts[0]) and parts[0] != parts[0].lower() and "." not in parts[0] \
            and ":" not in parts[0] and parts[0] != "localhost":
        # `MyOrg/app`: an upper-case first part turns into a "host"; the user meant a Hub namespace.
        parts[0] = parts[0].lower()
    head = parts[0] if len(parts) > 1 and _looks_like_domain(parts[0]) else None
    rest = parts[1:] if head is not None else parts
    fixed = "/".join([*([head] if head is not None else []), *(p.lower() for p in rest)])
    if tag is not None:
        fixed += f":{tag}"
    if digest is not None:
        fixed += f"@{digest}"
    if fixed == s:
        return None
    try:
        parse_normalized(fixed)
    except ReferenceError:
        return None
    return fixed


# Tags that are valid but almost certainly typos. distribution accepts `1.0.` and `1.0-` (B4.1).
_LATEST = "latest"


def suspicious_tag(tag: str | None) -> str | None:
    """Why a syntactically valid tag looks like a typo, or None."""
    if tag is None:
        return None
    if tag.endswith((".", "-", "_")):
        return f"the tag {tag!r} ends with {tag[-1]!r}, which is legal but almost always a typo"
    low = tag.lower()
    if low == _LATEST and tag != _LATEST:
        return f"the tag {tag!r} differs from 'latest' only in case, and tags are case-sensitive"
    if low != _LATEST and _near(low, _LATEST):
        return f"the tag {tag!r} looks like a misspelling of 'latest'"
    if ".." in tag or "--" in tag:
        return f"the tag {tag!r} has a doubled separator"
    return None


def _near(a: str, b: str) -> bool:
    from rapidfuzz.distance import DamerauLevenshtein

    return bool(DamerauLevenshtein.distance(a, b) <= 2 and abs(len(a) - len(b)) <= 2 and a[:2] == b[:2])
