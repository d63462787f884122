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
from rich.text import Text

from podwhy.findings import Finding, Report, Subject
from podwhy.render.order import by_impact
from podwhy.render.sanitize import clean

SEV_STYLE = {"error": "bold red", "warning": "bold yellow", "info": "bold blue"}
SEV_MARK = {"error": "✗", "warning": "!", "info": "i"}


def _t(text: object, style: str = "") -> Text:
    return Text(clean(text), style=style)


def _para(con: Console, text: Text, indent: int, hang: int = 0) -> None:
    """`text` wrapped to the console, its continuation lines `hang` columns deeper than its first."""
    first, *rest = text.wrap(con, max(20, con.width - indent)) or [Text()]
    out = Text(" " * indent)
    out.append_text(first)
    con.print(out, soft_wrap=True)
    if not rest:
        return
    # Re-wrap what did not fit the first line to the narrower width of the continuation lines.
    plain = text.plain
    at = len(first.plain)
    while at < len(plain) and plain[at] in " \n":
        at += 1
    for line in text[at:].wrap(con, max(20, con.width - indent - hang)):
        out = Text(" " * (indent + hang))
        out.append_text(line)
        con.print(out, soft_wrap=True)


def render(report: Report, *, color: bool = False, width: int = 80, **_: Any) -> str:
    buf = io.StringIO()
    con = Console(file=buf, force_terminal=color, no_color=not color, width=width, highlight=False,
                  emoji=False, soft_wrap=False, color_system="standard" if color else None)
    pods = sum(1 for s in report.subjects if s.kind == "Pod")
    # A Job whose pods failed (state Failed) is no controller failing to create pods: counted apart.
    jobs = sum(1 for s in report.subjects if s.kind == "Job" and s.state == "Failed")
    ctrls = len(report.subjects) - pods - jobs
    head = Text("podwhy: ", style="bold")
    if not report.subjects:
        head.append(f"nothing stuck ({report.examined} pod(s) examined)", style="bold green")
    else:
        head.append(f"{pods} stuck pod(s)", style="bold red" if pods else "")
        if ctrls:
            head.append(f", {ctrls} controller(s) failing to create pods", style="bold red")
        if jobs:
            head.append(f", {jobs} failed Job(s)", style="bold red")
        head.append(f" ({report.examined} pod(s) examined)")
    _para(con, head, 0, 8)
    _para(con, _t(f"source: {report.source.kind} {report.source.detail}", "dim"), 0, 8)

    big = [g for g in report.groups if len(g.subjects) > 1]
    # Members of a shared-cause group are shown once, through the group's first subject; the rest
    # are named in Shared root causes (their full findings are in -o json, or `podwhy pod NAME`).
    hidden: set[str] = set()
    rep_of: dict[str, int] = {}
    for g in big:
        rep_of.setdefault(g.subjects[0], len(g.subjects))
        hidden.update(r for r in g.subjects[1:])
    shown = [s for s in by_impact(report) if s.ref not in hidden or s.ref in rep_of]
    if len(shown) > 1:  # one subject (`podwhy pod`) needs no overview
        con.print()
        _overview(con, shown, rep_of)

    if big:
        con.print()
        con.print(Text("Shared root causes", style="bold underline"))
        for g in big:
            line = Text("● ", style="bold magenta")
            line.append(g.code, style="bold")
            line.append(f"  ×{len(g.subjects)}")
            con.print(line)
            _para(con, _t(g.summary), 4)
            if g.fix is not None:
                _fix(con, g.fix.summary, g.fix.commands, indent="    ")
            names = ", ".join(s.split("/", 1)[1] for s in g.subjects[:4])
            more = f" (+{len(g.subjects) - 4} more)" if len(g.subjects) > 4 else ""
            _para(con, _t(f"{names}{more}", "dim"), 4, 2)

    for s in shown:
        con.print()
        _subject(con, s)
        if s.ref in rep_of:
            _para(con, _t(f"(one of {rep_of[s.ref]} subjects with this cause; see Shared root causes)", "dim"), 4)

    if report.notes:
        con.print()
        con.print(Text("Notes", style="bold underline"))
        for n in report.notes:
            _para(con, _t(f"- {n}", "dim"), 0, 2)
    # Padding and wrapping leave trailing blanks; strip them so the report pastes cleanly.
    return "\n".join(line.rstrip() for line in buf.getvalue().splitlines()) + "\n"


def _overview(con: Console, shown: list[Subject], rep_of: dict[str, int]) -> None:
    """One line per subject shown below, in the same order (by impact): its first cause code."""
    con.print(Text("Stuck, by impact", style="bold underline"))
    codes = [s.findings[0].code if s.findings else "unknown" for s in shown]
    w = min(max(map(len, codes)), 34)
    for s, code in zip(shown, codes, strict=True):
        sev = s.findings[0].severity if s.findings else ""
        line = Text(f"{SEV_MARK.get(sev, '?')} ", style=SEV_STYLE.get(sev, ""))
        line.append(code.ljust(w), style="bold")
        line.append("  ")
        line.append(clean(s.ref.split("/", 1)[1] if s.kind == "Pod" else s.ref), style="cyan")
        if s.ref in rep_of:
            line.append(f"  ×{rep_of[s.ref]}", style="bold magenta")
        _para(con, line, 2, w + 4)


def _subject(con: Console, s: Subject) -> None:
    line = Text(clean(s.ref.split("/", 1)[1] if s.kind == "Pod" else s.ref), style="bold cyan")
    line.append("  ")
    line.append(clean(s.state), style="bold red")
    if s.owners:
        line.append(f"  ({clean(s.owners[-1])})", style="dim")
    _para(con, line, 0, 4)
    seen: list[str] = []
    for i, f in enumerate(s.findings):
        _finding(con, f, primary=i == 0, seen=seen)
    if s.scheduling is not None:
        _scheduling(con, s, seen)


def _finding(con: Console, f: Finding, *, primary: bool, seen: list[str]) -> None:
    line = Text(f"{SEV_MARK.get(f.severity, '?')} ", style=SEV_STYLE.get(f.severity, ""))
    line.append(f.code, style="bold" if primary else "")
    line.append(f"  [{f.confidence}]", style="dim")
    if f.container:
        line.append(f"  container {clean(f.container)}", style="dim")
    _para(con, line, 2, 2)
    _para(con, _t(f.cause), 4)
    for e in f.evidence:
        ev = Text("▸ ", style="dim")
        ev.append(clean(e.ref), style="dim")
        if e.field:
            ev.append(" " + clean(e.field), style="dim")
        _para(con, ev, 4, 2)
        _quote(con, e.observed, seen)
        if e.expected:
            _para(con, _t(f"expected: {e.expected}", "green"), 6, 2)
    if f.fix is not None:
        _fix(con, f.fix.summary, f.fix.commands, indent="    ", patches=f.fix.patches)


# A multi-line quote (a ConfigMap's text, a termination message) is shown as lines, at most this many.
MAX_QUOTE_LINES = 12


def _quote(con: Console, observed: str, seen: list[str]) -> None:
    """The verbatim text, once per subject: a text already quoted above (the same error in the container
    state and in the event) is referred to, not repeated."""
    if not observed:
        return
    if any(_same_error(observed, before) for before in seen):
        _para(con, Text("(the same text as quoted above)", style="dim"), 6)
        return
    seen.append(observed)
    if "\n" in observed.strip():
        lines = clean(observed.strip("\n"), multiline=True).replace("\t", "    ").splitlines()
        for ln in lines[:MAX_QUOTE_LINES]:
            _para(con, Text("│ " + ln), 6, 4)
        if len(lines) > MAX_QUOTE_LINES:
            _para(con, Text(f"│ … {len(lines) - MAX_QUOTE_LINES} more line(s) (see -o json)", style="dim"), 6)
        return
    obs = Text("“")
    obs.append(clean(observed))
    obs.append("”")
    _para(con, obs, 6, 1)


# Two quotes are the same error when they end in the same text, most of the shorter one: the
# kubelet's waiting message and its event wrap the runtime's one error text in different prefixes
# (`ImagePullBackOff: Back-off pulling image "x": ErrImagePull: <error>` / `Failed to pull image "x": <error>`).
_SAME_SHARE = 0.6
_SAME_MIN = 40


def _same_error(a: str, b: str) -> bool:
    if a == b:
        return True
    short = min(len(a), len(b))
    if short < _SAME_MIN:
        return False
    tail = next((i for i, (x, y) in enumerate(zip(reversed(a), reversed(b), strict=False)) if x != y), short)
    return tail >= _SAME_SHARE * short


def _fix(con: Console, summary: str, commands: list[str], *, indent: str, patches: list[str] | None = None) -> None:
    line = Text("fix: ", style="bold green")
    line.append(clean(summary))
    _para(con, line, len(indent), 5)
    for c in commands:
        # Commands are printed unwrapped so they stay copy-pasteable.
        con.print(_t(f"{indent}  $ {c}"), soft_wrap=True)
    for p in patches or []:
        for pl in clean(p, multiline=True).splitlines():
            con.print(Text(f"{indent}    {pl}"), soft_wrap=True)


def _scheduling(con: Console, s: Subject, seen: list[str]) -> None:
    sched = s.scheduling
    assert sched is not None
    con.print(Text("    scheduling (recomputed):", style="bold"))
    _para(con, _t(sched.message), 6)
    if sched.observed_message and sched.observed_message != sched.message:
        if any(_same_error(sched.observed_message, before) for before in seen):
            _para(con, _t("scheduler said: the FailedScheduling message quoted above", "dim"), 6, 2)
        else:
            _para(con, _t(f"scheduler said: {sched.observed_message}", "dim"), 6, 2)
    if sched.disagreement:
        _para(con, _t(f"note: {sched.disagreement}", "yellow"), 6, 2)
    nodes = sched.nodes or []
    limit = 12
    for nv in nodes[:limit]:
        line = Text(f"{'✓' if nv.feasible else '✗'} ", style="green" if nv.feasible else "red")
        line.append(clean(nv.name), style="bold")
        if not nv.failures:
            line.append("  fits")
            _para(con, line, 6, 4)
            continue
        # Every failing plugin of the node, each on its own line: the one that really blocks the pod
        # is often not the first (an intended taint before the lack of memory).
        hang = len(clean(nv.name)) + 4
        for i, fl in enumerate(nv.failures):
            if i:
                line = Text(" " * hang)
            line.append(f"  {fl.plugin}: ")
            line.append(clean("; ".join(fl.reasons)))
            detail = node_detail(fl.detail)
            if detail:
                line.append(f" ({clean(detail)})", style="dim")
            _para(con, line, 6, hang + 2)
    if len(nodes) > limit:
        _para(con, _t(f"… {len(nodes) - limit} more node(s) (see -o json)", "dim"), 6)


def node_detail(detail: dict[str, Any] | None) -> str:
    """A node failure's detail as the report prints it after its reasons (the dashboard's `detailText` too)."""
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
