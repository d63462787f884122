"""`-o markdown` fits GitHub's comment limit (65,536 characters): a long report comes as parts, each a whole
comment, no subject split across two, every subject in the summary table of the first."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest

from podwhy.cli import main
from podwhy.diagnose import diagnose
from podwhy.render import markdown
from podwhy.render.order import by_impact
from podwhy.snapshot import SourceInfo
from podwhy.snapshot.build import build_snapshot
from podwhy.snapshot.sources.files import load_paths

EXAMPLES = "examples/cluster"
MARKER = re.compile(r"(?m)^(?=<!-- podwhy part \d+/\d+ -->$)")


def _report():  # type: ignore[no-untyped-def]
    decoded, kind, detail = load_paths([EXAMPLES])
    snap = build_snapshot(decoded, SourceInfo(kind, detail))
    return diagnose(snap, now=datetime(2026, 11, 20, 10, 0, tzinfo=UTC))


def _headings(text: str) -> list[str]:
    return re.findall(r"(?m)^## (`[^`]+`) — ", text)


CASES = [
    # (name, limit, expected number of parts or None for "more than one")
    ("the example scan: two comments under GitHub's limit", markdown.COMMENT_LIMIT, 2),
    ("a small limit: many parts, subjects too long for one are cut", 3000, None),
]


@pytest.mark.parametrize(("name", "limit", "parts"), CASES, ids=[c[0] for c in CASES])
def test_parts_fit_and_keep_every_subject_once(name: str, limit: int, parts: int | None) -> None:
    report = _report()
    text = markdown.render(report, limit=limit)
    chunks = MARKER.split(text)
    assert (len(chunks) == parts) if parts else len(chunks) > 2
    n = len(chunks)
    for k, chunk in enumerate(chunks, 1):
        assert len(chunk) <= limit, (k, len(chunk))
        assert chunk.count("```") % 2 == 0, f"part {k} leaves a code block open"
        heading = f"# podwhy report (part {k}/{n})"
        assert chunk.startswith(heading if k == 1 else f"<!-- podwhy part {k}/{n} -->\n{heading}\n")
    # Each subject exactly once, in the report's order, and each in the first part's table (by impact).
    assert _headings(text) == [f"`{s.ref}`" for s in report.subjects]
    table = chunks[0].split("| subject | state | first cause |", 1)[1].split("\n\n", 1)[0]
    rows = re.findall(r"(?m)^\| (`[^`]+`) \|", table)
    refs = [f"`{s.ref}`" for s in by_impact(report)]
    if rows != refs:  # a table cut to fit says how much it shows
        assert rows == refs[:len(rows)] and f"shows {len(rows)} of {len(refs)} subjects" in chunks[0]


def test_a_short_report_is_one_comment_without_markers() -> None:
    out = io.StringIO()
    code = main(["pod", "monthly-report-5cr7l", "-n", "analytics", "--from", EXAMPLES, "-o", "markdown"], stdout=out)
    assert code == 1
    text = out.getvalue()
    assert text.startswith("# podwhy report\n") and "podwhy part" not in text
    assert "| subject |" not in text  # one subject: no summary table
    assert len(text) <= markdown.COMMENT_LIMIT


def test_the_cli_output_fits() -> None:
    out = io.StringIO()
    assert main(["scan", "--from", EXAMPLES, "-o", "markdown"], stdout=out) == 1
    assert all(len(c) <= markdown.COMMENT_LIMIT for c in MARKER.split(out.getvalue()))
