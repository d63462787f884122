"""`-o markdown`: the report as a ticket comment. Cluster text goes in code spans/blocks, sanitised.

A GitHub issue or PR comment holds at most 65,536 characters, so a longer report is cut into parts,
each a complete comment under the limit: the first holds the summary table of every subject and the
shared root causes, a subject is never split across parts, and each part after the first starts with
the marker line `<!-- podwhy part K/N -->` (to split the stream: `csplit -z -f part- report.md
'/^<!-- podwhy part /' '{*}'`). One subject too long for a comment of its own is cut with a note.
"""

from __future__ import annotations

from typing import Any

from podwhy.findings import Report
from podwhy.render.order import by_impact
from podwhy.render.sanitize import clean


def _code(s: object) -> str:
    text = clean(s)
    fence = "``" if "`" in text else "`"
    return f"{fence}{text}{fence}" if text else ""


# GitHub's limit on an issue or pull-request comment, in characters.
COMMENT_LIMIT = 65_536
# Room kept in every part for its part marker and heading.
_PART_HEAD = 200


def render(report: Report, *, limit: int = COMMENT_LIMIT, **_: Any) -> str:
    head, sections, tail = _sections(report)
    whole = "\n".join([*head, *(line for sec in sections for line in sec), *tail]) + "\n"
    if len(whole) <= limit:
        return whole
    return _split(head, sections, tail, limit)


def _summary(report: Report) -> list[str]:
    """One row per subject, by impact (render/order.py), with its first finding."""
    rows = ["", "| subject | state | first cause |", "|---|---|---|"]
    for s in by_impact(report):
        first = s.findings[0] if s.findings else None
        cause = f"{_code(first.code)} ({first.confidence})" if first is not None else ""
        rows.append(f"| {_code(s.ref)} | {clean(s.state).replace('|', '/')} | {cause} |")
    return rows


def _split(head: list[str], sections: list[list[str]], tail: list[str], limit: int) -> str:
    budget = limit - _PART_HEAD
    head = _cut_table(head, budget)
    parts: list[list[str]] = [list(head)]
    size = _size(head)
    for sec in sections:
        sec = _cut(sec, budget)
        if size and size + _size(sec) > budget:
            parts.append([])
            size = 0
        parts[-1] += sec
        size += _size(sec)
    if tail:
        if size + _size(tail) > budget:
            parts.append([])
        parts[-1] += tail
    n = len(parts)
    out: list[str] = []
    for k, lines in enumerate(parts, 1):
        if k > 1:
            out += [f"<!-- podwhy part {k}/{n} -->", f"# podwhy report (part {k}/{n})"]
        else:
            lines = [lines[0] + f" (part 1/{n})", *lines[1:]]
        out += lines
    return "\n".join(out) + "\n"


def _cut_table(head: list[str], budget: int) -> list[str]:
    """The header with as many summary rows as fit half a comment (a cluster of thousands of stuck pods)."""
    if _size(head) <= budget // 2 or "|---|---|---|" not in head:
        return head
    start = head.index("|---|---|---|") + 1
    rows = head[start:]
    kept = head[:start]
    for row in rows:
        if _size(kept) + len(row) + 1 > budget // 2:
            break
        kept.append(row)
    shown = len(kept) - start
    return [*kept, "", f"_The table shows {shown} of {len(rows)} subjects; every one is detailed below._"]


def _size(lines: list[str]) -> int:
    return sum(len(x) + 1 for x in lines)


def _cut(sec: list[str], budget: int) -> list[str]:
    """A subject too long for a comment of its own: its first lines, closed, and a pointer to the rest."""
    if _size(sec) <= budget:
        return sec
    kept: list[str] = []
    size = 0
    note = ("", "_Cut here to fit a comment: the rest of this subject is in `podwhy pod NAME -n NS -o markdown` "
                "or the JSON report._")
    for line in sec:
        if size + len(line) + 1 > budget - 400:
            break
        kept.append(line)
        size += len(line) + 1
    if sum(1 for x in kept if x.lstrip().startswith("```")) % 2:
        kept.append("```")  # close an open code block
    return [*kept, *note]


def _sections(report: Report) -> tuple[list[str], list[list[str]], list[str]]:
    """(header with summary and shared causes, one block of lines per subject, notes)."""
    out: list[str] = ["# podwhy report", ""]
    out.append(f"Source: {report.source.kind} {_code(report.source.detail)}  ")
    out.append(f"{len(report.subjects)} stuck subject(s) among {report.examined} pod(s) examined.")
    big = [g for g in report.groups if len(g.subjects) > 1]
    if big:
        out += ["", "## Shared root causes", ""]
        for g in big:
            out.append(f"- **{g.code}** ×{len(g.subjects)}: {clean(g.summary)}")
            if g.fix is not None:
                out.append(f"  - Fix: {clean(g.fix.summary)}")
    if len(report.subjects) > 1:
        out += _summary(report)
    head = out
    sections: list[list[str]] = []
    for s in report.subjects:
        out = ["", f"## {_code(s.ref)} — {clean(s.state)}", ""]
        sections.append(out)
        if s.owners:
            out.append(f"Owned by {', '.join(_code(o) for o in s.owners)}.")
            out.append("")
        for f in s.findings:
            cont = f" (container {_code(f.container)})" if f.container else ""
            out.append(f"### {f.code} — {f.severity}, {f.confidence}{cont}")
            out.append("")
            out.append(clean(f.cause))
            out.append("")
            if f.evidence:
                out.append("Evidence:")
                out.append("")
                for e in f.evidence:
                    out.append(f"- {_code(e.ref)} {_code(e.field)}")
                    out.append("")
                    out.append("  ```text")
                    for line in clean(e.observed, multiline=True).splitlines() or [""]:
                        out.append(f"  {line.replace('```', '`‌``')}")
                    out.append("  ```")
                    if e.expected:
                        out.append(f"  Expected: {_code(e.expected)}")
                out.append("")
            if f.fix is not None:
                out.append(f"**Fix:** {clean(f.fix.summary)}")
                if f.fix.commands or f.fix.patches:
                    out += ["", "```sh", *(clean(c) for c in f.fix.commands)]
                    for p in f.fix.patches:
                        out += clean(p, multiline=True).splitlines()
                    out.append("```")
                out.append("")
        if s.scheduling is not None:
            sc = s.scheduling
            out += [f"Scheduling (recomputed): {_code(sc.message)}", "", "| node | verdict |", "|---|---|"]
            for nv in sc.nodes or []:
                verdict = "fits" if nv.feasible else "; ".join(
                    f"{fl.plugin}: {', '.join(fl.reasons)}" for fl in nv.failures)
                cell = clean(verdict).replace("|", "\\|")
                out.append(f"| {_code(nv.name)} | {cell} |")
            out.append("")
    tail: list[str] = []
    if report.notes:
        tail += ["", "## Notes", ""]
        tail += [f"- {clean(n)}" for n in report.notes]
    return head, sections, tail
