"""Follow-up `podwhy` commands printed in an offline report (a finding's fix, a note) must read the same
input: without `--from` they would go live, on whatever kubeconfig context happens to be current."""

from __future__ import annotations

import re
import shlex

import msgspec

from podwhy.findings import Fix, Report

_IN_NOTE = re.compile(r"`podwhy ([^`]*)`")


def _with_from(command: str, sources: list[str]) -> str:
    """`podwhy pod x -n y   # why` -> `podwhy pod x -n y --from PATH   # why` (every --from, in order)."""
    body, sep, comment = command.partition("   #")
    extra = " ".join(f"--from {shlex.quote(s)}" for s in sources)
    return f"{body.rstrip()} {extra}" + (f"{sep}{comment}" if sep else "")


def _fix(fix: Fix | None, sources: list[str]) -> Fix | None:
    if fix is None or not any(c.startswith("podwhy ") for c in fix.commands):
        return fix
    cmds = [_with_from(c, sources) if c.startswith("podwhy ") else c for c in fix.commands]
    return msgspec.structs.replace(fix, commands=cmds)


def offline_followups(report: Report, sources: list[str]) -> Report:
    subjects = []
    for s in report.subjects:
        findings = [f if (fx := _fix(f.fix, sources)) is f.fix else msgspec.structs.replace(f, fix=fx)
                    for f in s.findings]
        same = all(a is b for a, b in zip(findings, s.findings, strict=True))
        subjects.append(s if same else msgspec.structs.replace(s, findings=findings))
    groups = [g if (fx := _fix(g.fix, sources)) is g.fix else msgspec.structs.replace(g, fix=fx)
              for g in report.groups]
    notes = [_IN_NOTE.sub(lambda m: f"`{_with_from('podwhy ' + m.group(1), sources)}`", n) for n in report.notes]
    return msgspec.structs.replace(report, subjects=subjects, groups=groups, notes=notes)
