"""The layout of `kubectl describe` text: pasted-text clean-up, one block per object, and a tree of
`Key:  value` lines with their tables.

kubectl prints describe output through its PrefixWriter and a tabwriter (k8s.io/kubectl/pkg/describe/
describe.go, v1.20-v1.33 checked): each level indents two spaces, a key ends with `:`, values are aligned
by padding spaces, and tables (Conditions, Events, a node's pods) are a header row, often a `----` row,
then one row per entry. Describing several objects prints them one after another, each starting with a
column-0 `Name:` line. What people paste has been through terminals and ticket systems: lines quoted with
`> `, tabs where kubectl wrote spaces, long lines wrapped. This module undoes that; the kinds' modules
read the tree.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

_QUOTE = re.compile(r"^[ \t]*>[ \t]?")
_NAME_LINE = re.compile(r"^Name:[ \t]+\S")
# Lines are matched right-stripped: the value runs to the end (a lazy value before `[ \t]*$` would be
# quadratic in a run of spaces, and event messages are written by anyone who may create events).
_KEY = re.compile(r"^(?P<key>[^\s:][^:]*?):(?:[ \t]+(?P<value>.*))?$")
_DASHES = re.compile(r"^\s*-{2,}(?:\s+-{2,})*\s*$")
_PROMPT = re.compile(r"^\s*(?:[$#%]|\S*[$#%>]\s)\s*kubectl\b|^\s*kubectl\s")

# Keys kubectl's describers print, at any level (describe.go, v1.20-v1.33): a line whose key is not one
# of these, and not under a section whose children are free-form, is a wrapped piece of the line before.
KNOWN_KEYS = frozenset(k.strip() for k in """
Name|Namespace|Priority|Priority Class Name|PriorityClassName|Runtime Class Name|Service Account|Node|Start Time|
Labels|Annotations|Status|Reason|Message|SeccompProfile|IP|IPs|Controlled By|NominatedNodeName|Init Containers|
Containers|Ephemeral Containers|Conditions|Volumes|QoS Class|Node-Selectors|Tolerations|Events|
Topology Spread Constraints|Readiness Gates|Scheduling Gates|Termination Grace Period|Container ID|Image|Image ID|
Port|Ports|Host Port|Host Ports|Command|Args|State|Last State|Ready|Restart Count|Limits|Requests|Liveness|
Readiness|Startup|Environment|Environment Variables from|Mounts|Devices|Started|Finished|Exit Code|Signal|Type|
ClaimName|ReadOnly|SecretName|Optional|ConfigMapName|TokenExpirationSeconds|DownwardAPI|Medium|SizeLimit|Path|
HostPathType|FSType|Driver|VolumeHandle|VolumeAttributes|PDName|Partition|VolumeID|Server|Roles|CreationTimestamp|
Taints|Unschedulable|Lease|HolderIdentity|AcquireTime|RenewTime|Addresses|Capacity|Allocatable|System Info|PodCIDR|
PodCIDRs|ProviderID|Non-terminated Pods|Allocated resources|StorageClass|Volume|Finalizers|Access Modes|VolumeMode|
Used By|DataSource|Selector|Replicas|Pods Status|Pod Template|StrategyType|MinReadySeconds|RollingUpdateStrategy|
OldReplicaSets|NewReplicaSet|Image pull secrets|Mountable secrets|Tokens|Data|Restart Policy|Resource Claims|
Kind|Controller|Claim|Source|VolumeBindingMode|AllowVolumeExpansion|Provisioner|Parameters|IsDefaultClass|
ReclaimPolicy|MountOptions|Completions|Parallelism|Completed At|Duration|Pods Statuses|Backoff Limit|Suspend|
Schedule|Concurrency Policy|Last Schedule Time|Active Jobs|Update Strategy|Volume Claims|Service Account Name|
Desired Number of Nodes Scheduled|Current Number of Nodes Scheduled|Number of Nodes Scheduled with Up-to-date Pods|
Number of Nodes Scheduled with Available Pods|Number of Nodes Misscheduled|Pods Status|Status Reason|Scheduled|
Requests|Limits|Kubelet Version|Hostname|InternalIP|ExternalIP
""".replace("\n", "").split("|") if k.strip())


def _known(key: str) -> bool:
    return key in KNOWN_KEYS


# Sections whose children are names or free text, not describe keys: their direct children are read as
# `name: value` (Labels, resources, volume and container names, a node's system info...).
FREE_FORM = frozenset({
    "Labels", "Annotations", "Limits", "Requests", "Environment", "Capacity", "Allocatable", "System Info",
    "Addresses", "Containers", "Init Containers", "Ephemeral Containers", "Volumes", "Data", "Parameters",
    "VolumeAttributes", "Node-Selectors", "Selector", "Lease", "IPs",
})


def unquote(text: str) -> tuple[str, list[str]]:
    """Undo what pasting did: CRLF, a ticket's `> ` quoting (when most lines have it), tabs (kubectl
    writes spaces; tab stops of 8 keep the columns of a re-tabbed paste roughly where they were)."""
    notes: list[str] = []
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    filled = [ln for ln in lines if ln.strip()]
    quoted = sum(1 for ln in filled if _QUOTE.match(ln))
    if filled and quoted * 2 > len(filled):
        lines = [_QUOTE.sub("", ln, count=1) for ln in lines]
        notes.append("lines quoted with `> ` were read without the quote marks")
    if any("\t" in ln for ln in lines):
        lines = [ln.expandtabs(8) for ln in lines]
    return "\n".join(ln.rstrip() for ln in lines), notes


def looks_like_describe(text: str) -> bool:
    """True when the text is `kubectl describe` output: its first line that is not a shell prompt is a
    column-0 `Name:` line (after unquoting), and a describe key follows within the next lines."""
    head = text[:4096]
    lines = [ln for ln in unquote(head)[0].split("\n") if ln.strip()]
    for i, ln in enumerate(lines[:5]):
        if _PROMPT.match(ln):
            continue
        if not _NAME_LINE.match(ln):
            return False
        nxt = lines[i + 1 : i + 4]
        return any((m := _KEY.match(x)) is not None and _known(m.group("key")) for x in nxt)
    return False


def split_objects(text: str) -> tuple[list[list[str]], list[str]]:
    """The text cut into one list of lines per described object (each starts at a column-0 `Name:`).
    Text before the first object (a shell prompt, a ticket's prose) is dropped with a note."""
    blocks: list[list[str]] = []
    lead: list[str] = []
    for ln in text.split("\n"):
        if _NAME_LINE.match(ln):
            blocks.append([ln])
        elif blocks:
            blocks[-1].append(ln)
        elif ln.strip():
            lead.append(ln)
    notes = []
    if lead and not all(_PROMPT.match(ln) for ln in lead):
        notes.append(f"{len(lead)} line(s) before the first `Name:` line are not describe output: not read")
    return blocks, notes


@dataclass
class Node:
    """One `Key:  value` line and what is indented under it: child keys, or rows (a list, a table)."""

    key: str
    value: str
    indent: int
    line: int  # 1-based line within the object's block
    children: list[Node] = field(default_factory=list)
    rows: list[str] = field(default_factory=list)  # lines under the key that are not keys (raw, unindented)
    table: list[str] = field(default_factory=list)  # a table's lines (header first), indentation kept
    wrap: int = 0  # the width a terminal hard-wrapped the text at (0: none seen): see hard_wrap_width

    def get(self, key: str) -> Node | None:
        return next((c for c in self.children if c.key == key), None)

    def text(self, key: str) -> str:
        c = self.get(key)
        return "" if c is None else c.value

    def values(self) -> list[str]:
        """A multi-value field (Labels, Tolerations, Taints...): the value on the key's line, then each line
        under it; `<none>` is no value."""
        out = [self.value] if self.value else []
        out += [c.raw() for c in self.children] + self.rows
        return [v for v in out if v and v not in ("<none>", "<unset>")]

    def raw(self) -> str:
        return f"{self.key}: {self.value}" if self.value else f"{self.key}:"


def _is_table_header(lines: list[str], i: int) -> bool:
    """A header row: the next line is dashes (Events, node Conditions), or the pod Conditions' header
    (`Type  Status`, printed without dashes)."""
    if any(_DASHES.match(ln) for ln in lines[i + 1 : i + 3]):
        return True  # (two lines on: a header that a word wrap broke in two)
    words = lines[i].split()
    return words == ["Type", "Status"] or words[:3] == ["Type", "Reason", "Age"]


def hard_wrap_width(lines: list[str]) -> int:
    """The width of a terminal that hard-wrapped the paste: the wrapped lines are all exactly as long as the
    longest line.
    A piece that continues such a line was cut mid-word, so it is joined without a space; a line shorter
    than that was broken at a space by a ticket's word wrap (the space went with the break)."""
    if not lines:
        return 0
    width = max(len(ln) for ln in lines)
    # Lines followed by a column-0 piece that starts nothing (kubectl starts only keys at column 0): wrapped
    # lines. A terminal cut every one of them at its width; a word wrap left most a little short of it.
    wrapped = [len(a) for a, b in itertools.pairwise(lines)
               if b[:1] not in ("", " ") and ((m := _KEY.match(b)) is None or not _known(m.group("key")))]
    full = sum(1 for n in wrapped if n >= width - 1)  # a cut just after a space loses it to the rstrip
    return width if width >= 60 and full and full * 10 >= len(wrapped) * 9 else 0


def glue(prev_raw: str, width: int) -> str:
    """What goes between a wrapped line and its piece: nothing after a terminal's mid-word cut; one space after
    a ticket's break at a space (or a terminal's cut just after one, which the rstrip took)."""
    return "" if width and len(prev_raw) == width else " "


def parse_tree(lines: list[str]) -> Node:
    """Lines of one object -> a tree rooted at a node without key. Key lines nest by indentation; lines that
    are not keys become rows of the key above; a table (header + rows) hangs under the key above it. A line
    that cannot start anything (not a known key, shallower than the rows it would belong to) is taken as a
    wrapped piece of the line before it."""
    width = hard_wrap_width(lines)
    root = Node("", "", -1, 0, wrap=width)
    stack: list[Node] = [root]
    prev_raw = ""
    table_owner: Node | None = None
    table_indent = 0
    last: Node | None = None
    last_row: Node | None = None  # the node whose rows took the line before (a list item, a command's argument)
    for n, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        before, prev_raw = prev_raw, raw
        indent = len(raw) - len(raw.lstrip(" "))
        body = raw.strip()
        if table_owner is not None:
            if _DASHES.match(raw) or not _ends_table(raw, indent, table_indent):
                table_owner.table.append(raw)
                table_owner.wrap = width
                continue
            table_owner = None
        m = _KEY.match(body)
        if indent == 0 and last is not None and (m is None or not _known(m.group("key"))):
            # A column-0 line that is not a key (kubectl starts only keys at column 0): a wrapped piece of the line
            # before, a key's value or a row. The nesting stays: the lines after it go where they belong.
            sep = glue(before, width)
            piece = raw if not sep else body
            if last_row is not None:
                last_row.rows[-1] = f"{last_row.rows[-1]}{sep}{piece}"
            else:
                _join(last, piece, sep)
            continue
        last_row = None
        while len(stack) > 1 and stack[-1].indent >= indent:
            stack.pop()
        parent = stack[-1]
        free = parent.key in FREE_FORM and indent > parent.indent
        if m is not None and (free or _known(m.group("key"))):
            node = Node(m.group("key"), (m.group("value") or "").strip(), indent, n, wrap=width)
            parent.children.append(node)
            stack.append(node)
            last = node
            continue
        if _is_table_header(lines, n - 1) and parent is not root:
            table_owner, table_indent = parent, indent
            parent.table.append(raw)
            parent.wrap = width
            continue
        if parent.value and not parent.children and not parent.rows and parent.key not in FREE_FORM \
                and parent.key not in _MULTI:
            sep = glue(before, width)
            _join(parent, raw if not sep else body, sep)
            continue
        parent.rows.append(body)
        last_row = parent
    return root


# Keys whose further values come on lines of their own (describe.go printLabelsMultiline & co).
_MULTI = frozenset({"Labels", "Annotations", "Tolerations", "Taints", "Node-Selectors", "Command", "Args",
                    "Finalizers", "Selector", "Mounts", "IPs", "Topology Spread Constraints", "Readiness Gates",
                    "Scheduling Gates", "Image pull secrets", "Mountable secrets", "Tokens", "Used By"})


def _join(node: Node, piece: str, sep: str = " ") -> None:
    node.value = f"{node.value}{sep}{piece}" if node.value else piece


def _ends_table(raw: str, indent: int, table_indent: int) -> bool:
    """A table's rows stay at its indentation; a key line at a shallower level ends it (a wrapped row's tail
    that starts at column 0 and is not a key stays in the table)."""
    if indent > table_indent:
        return False
    m = _KEY.match(raw.strip())
    return indent < table_indent and m is not None and _known(m.group("key"))


def columns(table: list[str], wrap: int = 0) -> tuple[list[str], list[list[str]]]:
    """A table's header names and rows. Column starts come from the `----` row when there is one (tabwriter
    aligns every row under it; header names may hold spaces, `CPU Requests`), else from the header's words.
    A row that does not fit that grid (a re-spaced paste) is split on runs of two or more spaces instead.
    Lines that are a row's wrapped tail (they do not start a row of the grid) are joined to the row above."""
    if not table:
        return [], []
    header = table[0]
    dashes = next((r for r in table[1:3] if _DASHES.match(r)), None)
    grid = dashes if dashes is not None else header
    starts = [m.start() for m in re.finditer(r"\S+", grid)]
    names = [_cell(header, starts, i) for i in range(len(starts))]
    rows: list[list[str]] = []
    first_col = starts[0] if starts else 0
    prev = ""
    for r in table[1:]:
        if _DASHES.match(r):
            continue
        before, prev = prev, r
        indent = len(r) - len(r.lstrip(" "))
        if rows and (indent != first_col or not _starts_row(r, starts)):
            sep = glue(before, wrap)
            # A hard wrap cut at a column, maybe just before a space: the piece is kept as it is.
            rows[-1][-1] = f"{rows[-1][-1]}{sep}{r if not sep else r.strip()}".strip()
            continue
        cells = _cut(r, starts)
        if cells is None:
            cells = re.split(r"\s{2,}", r.strip(), maxsplit=len(names) - 1)
            cells += [""] * (len(names) - len(cells))
        rows.append(cells)
    return names, rows


def _cell(row: str, starts: list[int], i: int) -> str:
    e = starts[i + 1] if i + 1 < len(starts) else len(row)
    return row[starts[i]:e].strip()


def _starts_row(row: str, starts: list[int]) -> bool:
    """A new row has text in its first column and a gap before the second (a wrapped tail is prose)."""
    if len(starts) < 2:
        return True
    return (len(row) > starts[1] and row[starts[1] - 1] == " ") or bool(re.search(r"\S\s{2,}\S", row.strip()))


def _cut(row: str, starts: list[int]) -> list[str] | None:
    """Cut a row at the column starts, if each boundary falls just after a space (the grid holds)."""
    for s in starts[1:]:
        if s >= len(row) or row[s - 1] != " " or row[s] == " ":
            return None  # every cell starts at its column (kubectl prints none empty in these tables)
    return [_cell(row, starts, i) for i in range(len(starts))]
