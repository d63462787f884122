"""A checker for the `-o json` contract of catalog.md (schemaVersion podwhy/v1).

Hand-written on purpose: the contract is small, and a checker that names the failing path is
more useful in a test failure than a generic schema library's message.
"""

from __future__ import annotations

from typing import Any

from podwhy.catalog import CODES

SEVERITIES = {"error", "warning", "info"}
CONFIDENCES = {"certain", "likely", "possible"}


def _req(obj: dict[str, Any], key: str, typ: type | tuple[type, ...], path: str) -> Any:
    assert key in obj, f"{path}.{key} missing"
    assert isinstance(obj[key], typ), f"{path}.{key} is {type(obj[key]).__name__}"
    return obj[key]


def check_report(doc: dict[str, Any]) -> None:
    assert doc.get("schemaVersion") == "podwhy/v1"
    src = _req(doc, "source", dict, "$")
    assert src.get("kind") in ("files", "dump", "live"), src
    _req(src, "detail", str, "$.source")
    with_nodes: set[str] = set()
    for i, s in enumerate(_req(doc, "subjects", list, "$")):
        p = f"$.subjects[{i}]"
        ref = _req(s, "ref", str, p)
        assert ref.count("/") in (1, 2) and ref.split("/")[0][:1].isupper(), ref
        _req(s, "state", str, p)
        findings = _req(s, "findings", list, p)
        assert findings, f"{p} has no findings"
        for j, f in enumerate(findings):
            fp = f"{p}.findings[{j}]"
            assert _req(f, "code", str, fp) in CODES, f"{fp}.code {f['code']!r} not catalogued"
            assert _req(f, "severity", str, fp) in SEVERITIES
            assert _req(f, "confidence", str, fp) in CONFIDENCES
            assert _req(f, "cause", str, fp)
            for k, e in enumerate(_req(f, "evidence", list, fp)):
                ep = f"{fp}.evidence[{k}]"
                _req(e, "ref", str, ep)
                _req(e, "observed", str, ep)
                if "field" in e:
                    _req(e, "field", str, ep)
            if f.get("fix") is not None:
                _req(f["fix"], "summary", str, f"{fp}.fix")
                assert all(isinstance(c, str) for c in f["fix"].get("commands", []))
        sched = s.get("scheduling")
        if sched is not None:
            _req(sched, "message", str, f"{p}.scheduling")
            if "sameNodesAs" in sched:
                # `scan --max-node-verdicts`: the list is that of an earlier subject, which has it.
                same = _req(sched, "sameNodesAs", str, f"{p}.scheduling")
                assert "nodes" not in sched, f"{p}.scheduling: both nodes and sameNodesAs"
                assert same in with_nodes, f"{p}.scheduling.sameNodesAs: {same} has no node list before it"
                continue
            with_nodes.add(s.get("ref", ""))
            for k, n in enumerate(_req(sched, "nodes", list, f"{p}.scheduling")):
                np_ = f"{p}.scheduling.nodes[{k}]"
                _req(n, "name", str, np_)
                feasible = _req(n, "feasible", bool, np_)
                fails = _req(n, "failures", list, np_)
                assert feasible == (not fails), f"{np_}: feasible={feasible} with {len(fails)} failures"
                for fl in fails:
                    _req(fl, "plugin", str, np_)
                    assert all(isinstance(r, str) for r in _req(fl, "reasons", list, np_))
    for i, g in enumerate(_req(doc, "groups", list, "$")):
        assert _req(g, "code", str, f"$.groups[{i}]") in CODES
        assert _req(g, "subjects", list, f"$.groups[{i}]")
        _req(g, "summary", str, f"$.groups[{i}]")
    assert all(isinstance(n, str) for n in _req(doc, "notes", list, "$"))
