"""`-o text`: the human report, readable in an 80-column terminal, groups first.

Subjects that share a root cause are printed once, as their group, with one representative in
full: a 4,000-pod incident reads as a handful of causes, not 4,000 blocks.

Every cluster-sourced string goes through `sanitize.clean` and is printed as a rich `Text`
(never parsed as markup), so event messages cannot style or drive the terminal.
"""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console
from rich.padding import Padding
from rich.text import Text

from podwhy.findings import Finding, Report, Subject
from podwhy.render.sanitize import clean

SEV_STYLE = {"error": "bold red", "warning": "bold yellow", "info": "bold blue"}
SEV_MARK = {"error": "✗", "warning": "!", "info": "i"}


def _t(text: object, style: str = "") -> Text:
    return Text(clean(text), style=style)


def render(report: Report, *, color: bool = False, width: int = 80, **_: Any) -> str:
    buf = io.StringIO()
    con = Console(file=buf, force_terminal=color, no_color=not color, width=width, highlight=False,
                  emoji=False, soft_wrap=False, color_system="standard" if color else None)
    pods = sum(1 for s in report.subjects if s.kind == "Pod")
    ctrls = len(report.subjects) - pods
    head = Text("podwhy: ", style="bold")
    if not report.subjects:
        head.append(f"nothing stuck ({report.examined} pod(s) examined)", style="bold green")
    else:
        head.append(f"{pods} stuck pod(s)", style="bold red" if pods else "")
        if ctrls:
            head.append(f", {ctrls} controller(s) failing to create pods", style="bold red")
        head.append(f" ({report.examined} pod(s) examined)")
    con.print(head)
    con.print(_t(f"source: {report.source.kind} {report.source.detail}", "dim"))

    big = [g for g in report.groups if len(g.subjects) > 1]
    if big:
        con.print()
        con.print(Text("Shared root causes", style="bold underline"))
        for g in big:
            line = Text("● ", style="bold magenta")
            line.append(g.code, style="bold")
            line.append(f"  ×{len(g.subjects)}")
            con.print(line)
            con.print(Padding(_t(g.summary), (0, 0, 0, 4)))
            if g.fix is not None:
                _fix(con, g.fix.summary, g.fix.commands, indent="    ")
            shown = ", ".join(s.split("/", 1)[1] for s in g.subjects[:4])
            more = f" (+{len(g.subjects) - 4} more)" if len(g.subjects) > 4 else ""
            con.print(Padding(_t(f"{shown}{more}", "dim"), (0, 0, 0, 4)))

    # Members of a shared-cause group are shown once, through the group's first subject; the rest
    # are named above (their full findings are in -o json, or `podwhy pod NAME`).
    hidden: set[str] = set()
    rep_of: dict[str, int] = {}
    for g in big:
        rep_of.setdefault(g.subjects[0], len(g.subjects))
        hidden.update(r for r in g.subjects[1:])
    for s in report.subjects:
        if s.ref in hidden and s.ref not in rep_of:
            continue
        con.print()
        _subject(con, s)
        if s.ref in rep_of:
            con.print(_t(f"    (one of {rep_of[s.ref]} subjects with this cause; see Shared root causes)", "dim"))

    if report.notes:
        con.print()
        con.print(Text("Notes", style="bold underline"))
        for n in report.notes:
            con.print(_t(f"- {n}", "dim"))
    # Padding and wrapping leave trailing blanks; strip them so the report pastes cleanly.
    return "\n".join(line.rstrip() for line in buf.getvalue().splitlines()) + "\n"


def _subject(con: Console, s: Subject) -> None:
    line = Text(clean(s.ref.split("/", 1)[1] if s.kind == "Pod" else s.ref), style="bold cyan")
    line.append("  ")
    line.append(clean(s.state), style="bold red")
    if s.owners:
        line.append(f"  ({clean(s.owners[-1])})", style="dim")
    con.print(line)
    for i, f in enumerate(s.findings):
        _finding(con, f, primary=i == 0)
    if s.scheduling is not None:
        _scheduling(con, s)


def _finding(con: Console, f: Finding, *, primary: bool) -> None:
    line = Text("  ")
    line.append(f"{SEV_MARK.get(f.severity, '?')} ", style=SEV_STYLE.get(f.severity, ""))
    line.append(f.code, style="bold" if primary else "")
    line.append(f"  [{f.confidence}]", style="dim")
    if f.container:
        line.append(f"  container {clean(f.container)}", style="dim")
    con.print(line)
    con.print(Padding(_t(f.cause), (0, 0, 0, 4)))
    for e in f.evidence:
        ev = Text("▸ ", style="dim")
        ev.append(clean(e.ref), style="dim")
        if e.field:
            ev.append(" " + clean(e.field), style="dim")
        con.print(Padding(ev, (0, 0, 0, 4)))
        obs = Text("“")
        obs.append(clean(e.observed))
        obs.append("”")
        con.print(Padding(obs, (0, 0, 0, 6)))
        if e.expected:
            con.print(_t(f"      expected: {e.expected}", "green"))
    if f.fix is not None:
        _fix(con, f.fix.summary, f.fix.commands, indent="    ", patches=f.fix.patches)


def _fix(con: Console, summary: str, commands: list[str], *, indent: str, patches: list[str] | None = None) -> None:
    line = Text("fix: ", style="bold green")
    line.append(clean(summary))
    con.print(Padding(line, (0, 0, 0, len(indent))))
    for c in commands:
        # Commands are printed unwrapped so they stay copy-pasteable.
        con.print(_t(f"{indent}  $ {c}"), soft_wrap=True)
    for p in patches or []:
        for pl in clean(p, multiline=True).splitlines():
            con.print(Text(f"{indent}    {pl}"), soft_wrap=True)


def _scheduling(con: Console, s: Subject) -> None:
    sched = s.scheduling
    assert sched is not None
    con.print(Text("    scheduling (recomputed):", style="bold"))
    con.print(Padding(_t(sched.message), (0, 0, 0, 6)))
    if sched.observed_message and sched.observed_message != sched.message:
        con.print(Padding(_t(f"scheduler said: {sched.observed_message}", "dim"), (0, 0, 0, 6)))
    if sched.disagreement:
        con.print(Padding(_t(f"note: {sched.disagreement}", "yellow"), (0, 0, 0, 6)))
    nodes = sched.nodes or []
    limit = 12
    for nv in nodes[:limit]:
        line = Text(f"{'✓' if nv.feasible else '✗'} ", style="green" if nv.feasible else "red")
        line.append(clean(nv.name), style="bold")
        if nv.failures:
            f0 = nv.failures[0]
            line.append(f"  {f0.plugin}: ")
            line.append(clean("; ".join(f0.reasons)))
            detail = _detail(f0.detail)
            if detail:
                line.append(f" ({clean(detail)})", style="dim")
            if len(nv.failures) > 1:
                line.append(f"  +{len(nv.failures) - 1} more", style="dim")
        else:
            line.append("  fits")
        con.print(Padding(line, (0, 0, 0, 6)))
    if len(nodes) > limit:
        con.print(Padding(_t(f"… {len(nodes) - limit} more node(s) (see -o json)", "dim"), (0, 0, 0, 6)))


def _detail(detail: dict[str, Any] | None) -> str:
    if not detail:
        return ""
    if isinstance(detail.get("summary"), str):
        return str(detail["summary"])
    parts = []
    for k, v in detail.items():
        if isinstance(v, dict):
            parts.append(f"{k}: " + ", ".join(f"{a}={b}" for a, b in v.items()))
        else:
            parts.append(f"{k}={v}")
    return "; ".join(parts)
