"""`-o markdown`: the report as a ticket comment. Cluster text goes in code spans/blocks, sanitised."""

from __future__ import annotations

from typing import Any

from podwhy.findings import Report
from podwhy.render.sanitize import clean


def _code(s: object) -> str:
    text = clean(s)
    fence = "``" if "`" in text else "`"
    return f"{fence}{text}{fence}" if text else ""


def render(report: Report, **_: Any) -> str:
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
    for s in report.subjects:
        out += ["", f"## {_code(s.ref)} — {clean(s.state)}", ""]
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
    if report.notes:
        out += ["", "## Notes", ""]
        out += [f"- {clean(n)}" for n in report.notes]
    return "\n".join(out) + "\n"
