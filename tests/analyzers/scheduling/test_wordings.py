"""Every scheduler wording, 1.4 -> 1.35 (issue 13 item 1): each upstream string of `wordings.WORDINGS`,
put into a whole message the way its release assembles one (`wordings.FORMATS`: the 1.4 per-node
lines, the 1.5 summary, the 1.6-1.8 `No nodes are available ...`, `0/N nodes are available` with the
1.24+ preemption tail and the 1.26-1.28 double period, the <=1.6 `SchedulerPredicates failed due to`
aggregates, the `(repeated N times)` and filter-plugin wrappers), parses to its shape and classifies
to its code; then real-looking whole messages per release, and the CLI run offline on old releases'
pods and events (no Node objects: the scheduler's message is all there is).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from podwhy.analyzers.scheduling.message import ParsedMessage, parse_failed_scheduling, ranked_codes
from podwhy.analyzers.scheduling.reasons import ALL_MINORS, LATEST, OLDEST, classify_reason, minor_span
from podwhy.analyzers.scheduling.wordings import (
    BASIC,
    BINDER,
    BINDER_ERROR,
    EVENT,
    FILTER_ERROR,
    FORMATS,
    KEY,
    POD,
    PREDICATE,
    PREEMPTION,
    PREFILTER,
    REASON,
    WORDINGS,
    Wording,
)
from podwhy.catalog import CODES

from helpers import docs, event_yaml, run_cli

POD_NAME = "web-0"
NODES = 3
NOT_HELPFUL = "Preemption is not helpful for scheduling"


# ---- how each release assembles a message (wordings.FORMATS) ---------------------------------------------
def _tail(minor: int, n: int, inner: str | None = None) -> str:
    """The >=1.24 preemption tail (framework/types.go FitError.Error + defaultpreemption PostFilter)."""
    if minor < 24:
        return ""
    inner = inner if inner is not None else f"{n} {NOT_HELPFUL}"
    end = ".." if 26 <= minor <= 28 else "."
    return f" preemption: 0/{n} nodes are available: {inner}{end}"


def fit_error(minor: int, hist: dict[str, int], n: int = NODES) -> str:
    """FitError.Error of that release for a histogram {reason: node count} (each sorted as Go sort.Strings)."""
    if minor <= 4:
        # one line per node (map order); a node lists every reason whose count reaches it, joined by ", "
        lines = [f"pod ({POD_NAME}) failed to fit in any node"]
        for i in range(n):
            reasons = [r for r, c in hist.items() if c > i]
            if reasons:
                lines.append(f"fit failure on node (node-{i + 1}): {', '.join(reasons)}")
        return "\n".join(lines) + "\n"
    summary = ", ".join(sorted(f"{r} ({c})" for r, c in hist.items()))
    if minor == 5:
        return f"pod ({POD_NAME}) failed to fit in any node\nfit failure summary on nodes : {summary}"
    if minor <= 7:
        return f"No nodes are available that match all of the following predicates:: {summary}."
    if minor == 8:
        return f"No nodes are available that match all of the predicates: {summary}."
    counted = ", ".join(sorted(f"{c} {r}" for r, c in hist.items()))
    return f"0/{n} nodes are available: {counted}." + _tail(minor, n)


def prefilter_message(minor: int, text: str, n: int = NODES) -> str:
    """A PreFilter rejection: counted on every node 1.19-1.25, printed once without a count from 1.26."""
    if minor <= 25:
        return f"0/{n} nodes are available: {n} {text}." + _tail(minor, n)
    return f"0/{n} nodes are available: {text}." + _tail(minor, n)


def error_message(minor: int, w: Wording, n: int = NODES) -> str:
    """A whole-pod error `w` as release `minor` printed it (wordings.PREDICATE ... EVENT)."""
    t, via, plugin = w.text, w.via, w.plugin or "VolumeBinding"
    if via == EVENT:
        return t
    if via == PREDICATE and minor <= 6:
        one = f"SchedulerPredicates failed due to {t}, which is unexpected."
        return one if n == 1 else "[" + ", ".join([one] * n) + "]"
    if via in (PREDICATE, BINDER, BINDER_ERROR) and minor <= 16:
        return f"{t} (repeated {n} times)"
    if via == BASIC:
        return t if minor <= 19 else prefilter_message(minor, t, n)
    if via in (PREDICATE, BINDER, BINDER_ERROR, FILTER_ERROR) and minor == 17:
        return f'error while running "{plugin}" filter plugin for pod "{POD_NAME}": {t}'
    if via in (BINDER, BINDER_ERROR) and minor == 18:
        return f'running "{plugin}" filter plugin for pod "{POD_NAME}": {t}'
    if via == BINDER:
        return prefilter_message(minor, t, n)
    if via == BINDER_ERROR:
        return (f'prefilter plugin "{plugin}" failed for pod "{POD_NAME}": {t}' if minor == 19
                else f'running PreFilter plugin "{plugin}": {t}')
    if via == FILTER_ERROR:
        return (f'running "{plugin}" filter plugin for pod "{POD_NAME}": {t}' if minor <= 20
                else f'running "{plugin}" filter plugin: {t}')
    assert via == PREFILTER, w
    return prefilter_message(minor, t, n)


def message_for(w: Wording, minor: int) -> str:
    if w.kind == POD:
        return error_message(minor, w)
    if w.kind == PREEMPTION:
        return fit_error(minor, {"Insufficient cpu": NODES}).replace(f"{NODES} {NOT_HELPFUL}", f"{NODES} {w.text}")
    return fit_error(minor, {w.text: NODES})


# ---- what the parser must say for it --------------------------------------------------------------------
def hint_minors(hint: str) -> frozenset[int]:
    """Inverse of reasons.render_minors."""
    if hint == "any":
        return ALL_MINORS
    out: set[int] = set()
    for run in hint.split(", "):
        if run.startswith(">="):
            out |= minor_span(int(run[4:]), LATEST)
        elif run.startswith("<="):
            out |= minor_span(OLDEST, int(run[4:]))
        elif "-" in run:
            lo, hi = run.split("-")
            out |= minor_span(int(lo[2:]), int(hi[2:]))
        else:
            out.add(int(run[2:]))
    return frozenset(out)


# Version hints narrower than upstream that tests/analyzers/scheduling/test_message.py pins (that file is
# not this change's to edit). Upstream (wordings.py) vs the pinned hint:
#   `pod has unbound immediate PersistentVolumeClaims`: printed from 1.12, hinted from 1.14;
#   `pod has unbound PersistentVolumeClaims`: printed 1.9-1.11 (hinted <=1.13, so it still includes them).
#   `PersistentVolumeClaim is not bound: %q`: printed until 1.15 (VolumeZone), hinted until 1.13.
PINNED_NARROWER = {("pod has unbound immediate PersistentVolumeClaims", 12),
                   ("pod has unbound immediate PersistentVolumeClaims", 13),
                   ('PersistentVolumeClaim is not bound: "data"', 15)}


def _releases(w: Wording) -> list[int]:
    lo, hi = max(w.first, OLDEST), min(w.last, LATEST)
    return sorted({lo, hi})


def _generated() -> Iterator[Any]:
    for i, w in enumerate(WORDINGS):
        if w.kind == KEY:
            continue
        for minor in _releases(w):
            slug = "".join(ch if ch.isalnum() else "-" for ch in w.text.lower()).strip("-")[:48]
            yield pytest.param(i, minor, id=f"1.{minor}-{w.kind}-{slug}-{i}")


def _expected_shape(w: Wording, minor: int, p: ParsedMessage) -> None:
    message = message_for(w, minor)
    if w.kind == POD and p.grammar == "raw":
        # the raw error once its wrappers are peeled off; one node per copy or `(repeated N times)`
        assert (p.raw, p.prefilter) == (" ".join(message.split()), w.text)
        assert p.errors == ((tuple((w.text, 1) for _ in range(NODES))) if message.startswith("[") else ())
        nodes = NODES if message.startswith("[") or "(repeated " in message else 1
        assert p.codes == ({w.code: nodes} if w.code else {})
        return
    if w.kind == POD and p.grammar == "prefilter":
        # >=1.26: printed once, without a count
        assert (p.total_nodes, p.prefilter, p.histogram) == (NODES, w.text, {})
        assert p.codes == ({w.code: NODES} if w.code else {})
        return
    if minor <= 4:
        assert p.grammar == "legacy-per-node"
        assert p.per_node == {f"node-{i + 1}": (w.text,) for i in range(NODES)}
    elif minor <= 8 and w.kind != PREEMPTION:
        assert p.grammar == "legacy-summary"
        assert p.total_nodes is None
    else:
        assert (p.grammar, p.total_nodes) == ("histogram", NODES)
    if w.kind == PREEMPTION:
        assert p.preemption is not None and p.preemption.histogram == {w.text: NODES}
        return
    assert p.histogram == {w.text: NODES}
    assert [info.reason for _n, info in p.entries] == [w.text]
    assert p.unknown_reasons == {}


@pytest.mark.parametrize(("index", "minor"), list(_generated()))
def test_every_upstream_wording_parses_in_its_releases_message(index: int, minor: int) -> None:
    w = WORDINGS[index]
    message = message_for(w, minor)
    p = parse_failed_scheduling(message)
    _expected_shape(w, minor, p)
    # the classification upstream's string must get
    if w.kind != PREEMPTION:
        info = classify_reason(w.text)
        assert info.known, w.text
        assert info.code == w.code, w.text
        if info.excluded:
            assert ranked_codes(p) == []  # nodes a PreFilterResult left out are no cause
        elif w.code is not None:
            assert w.code in CODES
            assert ranked_codes(p)[0][0] == w.code
        elif w.kind == REASON:
            assert ranked_codes(p) == []
    # the parser never rules out a release whose scheduler prints this message
    if (w.text, minor) not in PINNED_NARROWER:
        assert minor in hint_minors(p.version_hint), (p.version_hint, message)


@pytest.mark.parametrize("w", [w for w in WORDINGS if w.kind == KEY], ids=lambda w: w.text)
def test_registered_predicate_keys_classify(w: Wording) -> None:
    """Configuration names kube-scheduler never printed as a reason (a Policy extender or fork may)."""
    info = classify_reason(w.text)
    assert (info.known, info.code) == (True, w.code)
    p = parse_failed_scheduling(f"0/3 nodes are available: 3 {w.text}.")
    assert ranked_codes(p)[0] == (w.code, 3)


def test_every_wording_and_format_is_exercised() -> None:
    """Each table entry is in a generated case, and the hand-written cases below cover every format."""
    generated = {idx for p in _generated() for idx in [p.values[0]]}
    keys = {i for i, w in enumerate(WORDINGS) if w.kind == KEY}
    assert generated | keys == set(range(len(WORDINGS)))
    for w in WORDINGS:
        assert OLDEST <= w.first <= w.last <= LATEST, w
        assert w.src, w
        assert (w.kind == POD) == bool(w.via), w
    covered = {fmt for c in WHOLE for fmt in c.values[3]}
    assert covered == set(range(len(FORMATS)))


# ---- whole messages as users paste them, one per release and format ----------------------------------------
# (message, expected non-default fields of interest, top ranked code, FORMATS indexes it exercises)
def case(message: str, want: dict[str, Any], top: str | None, formats: tuple[int, ...], id: str) -> Any:
    return pytest.param(message, want, top, formats, id=id)


WHOLE = [
    case("pod (web-0) failed to fit in any node\n"
         "fit failure on node (gke-pool-1-a): Insufficient cpu, PodToleratesNodeTaints\n"
         "fit failure on node (gke-pool-1-b): Insufficient cpu\n"
         "fit failure on node (gke-pool-1-c): MatchNodeSelector, Insufficient memory\n",
         {"grammar": "legacy-per-node", "total_nodes": 3,
          "histogram": {"Insufficient cpu": 2, "PodToleratesNodeTaints": 1, "MatchNodeSelector": 1,
                        "Insufficient memory": 1}},
         "sched.insufficient-resources", (0,), id="1.4-per-node-reason-lists"),
    case("pod (web-0) failed to fit in any node\n"
         "fit failure on node (ip-10-0-1-17.ec2.internal): Insufficient\n"
         "    cpu, PodToleratesNodeTaints\n"
         "fit failure on node (ip-10-0-1-18.ec2.internal): Insufficient cpu\n",
         {"grammar": "legacy-per-node", "total_nodes": 2,
          "per_node": {"ip-10-0-1-17.ec2.internal": ("Insufficient cpu", "PodToleratesNodeTaints"),
                       "ip-10-0-1-18.ec2.internal": ("Insufficient cpu",)}},
         "sched.insufficient-resources", (0,), id="1.4-per-node-folded-reason-continues-on-next-line"),
    case("pod (web-0) failed to fit in any node fit failure on node (n1): PodFitsHostPorts fit failure on node "
         "(n2): PodFitsHostPorts fit failure on node (n3): NodeUnderDiskPressure",
         {"grammar": "legacy-per-node", "total_nodes": 3,
          "histogram": {"PodFitsHostPorts": 2, "NodeUnderDiskPressure": 1}},
         "node.disk-full", (0,), id="1.4-per-node-lines-joined-into-one"),
    case('[SchedulerPredicates failed due to PersistentVolumeClaim is not bound: "mysql-pv-claim", which is '
         'unexpected., SchedulerPredicates failed due to PersistentVolumeClaim is not bound: "mysql-pv-claim", '
         "which is unexpected.]",
         {"grammar": "raw", "prefilter": 'PersistentVolumeClaim is not bound: "mysql-pv-claim"',
          "codes": {"volume.pvc-unbound": 2}, "version_hint": "<=1.6",
          "errors": (('PersistentVolumeClaim is not bound: "mysql-pv-claim"', 1),) * 2},
         "volume.pvc-unbound", (8, 9), id="1.4-1.6-predicate-error-on-each-node-aggregated"),
    case("SchedulerPredicates failed due to PersistentVolumeClaim 'default/data' not found, which is unexpected.",
         {"grammar": "raw", "prefilter": "PersistentVolumeClaim 'default/data' not found",
          "codes": {"volume.pvc-not-found": 1}, "version_hint": "1.4"},
         "volume.pvc-not-found", (8,), id="1.4-pvc-fetcher-not-found-on-one-node"),
    case("pod (web-0) failed to fit in any node\nfit failure summary on nodes : Insufficient "
         "alpha.kubernetes.io/nvidia-gpu (3), Insufficient pod.alpha.kubernetes.io/opaque-int-resource-dongle (2), "
         "PodToleratesNodeTaints (1)",
         {"grammar": "legacy-summary",
          "histogram": {"Insufficient alpha.kubernetes.io/nvidia-gpu": 3,
                        "Insufficient pod.alpha.kubernetes.io/opaque-int-resource-dongle": 2,
                        "PodToleratesNodeTaints": 1},
          "codes": {"sched.insufficient-resources": 5, "sched.untolerated-taint": 1}},
         "sched.insufficient-resources", (1,), id="1.5-summary-gpu-and-opaque-resource-counts"),
    case('SchedulerPredicates failed due to persistentvolumeclaims "data" not found, which is unexpected.',
         {"grammar": "raw", "prefilter": 'persistentvolumeclaims "data" not found',
          "codes": {"volume.pvc-not-found": 1}, "version_hint": "<=1.6"},
         "volume.pvc-not-found", (8,), id="1.5-plural-lister-not-found"),
    case("No nodes are available that match all of the following predicates:: Insufficient cpu (3), "
         "MatchNodeSelector (2), NodeUnderMemoryPressure (1).",
         {"grammar": "legacy-summary",
          "normalized": {"Insufficient cpu": 3, "node(s) didn't match Pod's node affinity/selector": 2,
                         "node(s) had memory pressure": 1}},
         "sched.insufficient-resources", (2,), id="1.6-1.7-double-colon"),
    case("No nodes are available that match all of the following predicates:: MatchInterPodAffinity (3).",
         {"grammar": "legacy-summary", "codes": {"sched.pod-anti-affinity": 3}},
         "sched.pod-anti-affinity", (2,), id="1.6-1.8-inter-pod-affinity-name-alone-is-mostly-anti-affinity"),
    case("Warning  FailedScheduling  3m (x12 over 5m)  default-scheduler  No nodes are available that match all "
         "of the following predicates:: Insufficient memory (2), PodToleratesNodeTaints (1).",
         {"grammar": "legacy-summary", "histogram": {"Insufficient memory": 2, "PodToleratesNodeTaints": 1}},
         "sched.insufficient-resources", (2,), id="1.6-1.7-pasted-with-its-describe-columns"),
    case('PersistentVolumeClaim is not bound: "es-data-0" (repeated 5 times)',
         {"grammar": "raw", "repeated": 5, "prefilter": 'PersistentVolumeClaim is not bound: "es-data-0"',
          "codes": {"volume.pvc-unbound": 5}},
         "volume.pvc-unbound", (10,), id="1.7-1.8-repeated-predicate-error"),
    case('[PersistentVolumeClaim is not bound: "a" (repeated 2 times), PersistentVolumeClaim not found: "b"]',
         {"grammar": "raw", "prefilter": 'PersistentVolumeClaim is not bound: "a"',
          "codes": {"volume.pvc-unbound": 2, "volume.pvc-not-found": 1},
          "errors": (('PersistentVolumeClaim is not bound: "a"', 2), ('PersistentVolumeClaim not found: "b"', 1))},
         "volume.pvc-unbound", (9, 10), id="1.7-1.8-two-errors-aggregated-with-counts"),
    case("No nodes are available that match all of the predicates: Insufficient cpu (2), NodeNotReady (1), "
         "NodeUnschedulable (1).",
         {"grammar": "legacy-summary", "codes": {"sched.insufficient-resources": 2, "sched.nodes-not-ready": 1,
                                                 "sched.node-unschedulable": 1}},
         "sched.insufficient-resources", (3,), id="1.8-all-of-the-predicates"),
    case("0/5 nodes are available: 1 NodeUnschedulable, 1 PodToleratesNodeTaints, 3 Insufficient nvidia.com/gpu.",
         {"grammar": "histogram", "total_nodes": 5,
          "codes": {"sched.node-unschedulable": 1, "sched.untolerated-taint": 1, "sched.insufficient-resources": 3}},
         "sched.insufficient-resources", (4,), id="1.9-names-with-extended-resource-count"),
    case("pod has unbound PersistentVolumeClaims (repeated 3 times)",
         {"grammar": "raw", "repeated": 3, "codes": {"volume.pvc-unbound": 3}},
         "volume.pvc-unbound", (10,), id="1.9-1.11-binder-without-immediate"),
    case("Volume binding started, waiting for completion",
         {"grammar": "raw", "codes": {"volume.pvc-unbound": 1}, "version_hint": "1.9-1.11"},
         "volume.pvc-unbound", (), id="1.9-1.11-binding-in-progress-event"),
    case("0/4 nodes are available: 1 node(s) were out of disk space, 3 node(s) were not ready.",
         {"grammar": "histogram", "version_hint": "1.10-1.13",
          "codes": {"node.disk-full": 1, "sched.nodes-not-ready": 3}},
         "sched.nodes-not-ready", (4,), id="1.10-1.13-condition-predicates"),
    case("0/6 nodes are available: 2 node(s) had pid pressure, 4 node(s) had taints that the pod didn't tolerate.",
         {"grammar": "histogram", "version_hint": "1.11-1.16"},
         "sched.untolerated-taint", (4,), id="1.11-1.16-pid-pressure"),
    case("pod has unbound immediate PersistentVolumeClaims (repeated 2 times)",
         {"grammar": "raw", "repeated": 2, "codes": {"volume.pvc-unbound": 2}},
         "volume.pvc-unbound", (10,), id="1.12-1.16-binder-immediate"),
    case("0/3 nodes are available: 3 node(s) didn't match node sel\nector.",
         {"grammar": "histogram", "normalized": {"node(s) didn't match Pod's node affinity/selector": 3}},
         "sched.node-affinity", (4,), id="1.10-1.19-folded-inside-a-word"),
    case("0/3 nodes are available: 1 node(s) had taint {dedicated: gpu-\nworkers}, that the pod didn't tolerate, "
         "2 Insufficient nvidia.com/\ngpu.",
         {"grammar": "histogram",
          "normalized": {"node(s) had untolerated taint {dedicated: gpu-workers}": 1, "Insufficient nvidia.com/gpu": 2}},
         "sched.insufficient-resources", (4,), id="1.18-1.23-folded-inside-taint-and-resource"),
    case('error while running "VolumeZone" filter plugin for pod "web-0": PersistentVolumeClaim was not found: "data"',
         {"grammar": "raw", "prefilter": 'PersistentVolumeClaim was not found: "data"', "version_hint": "1.17",
          "codes": {"volume.pvc-not-found": 1}},
         "volume.pvc-not-found", (11,), id="1.17-predicate-run-as-filter-plugin"),
    case('running "VolumeZone" filter plugin: PersistentVolumeClaim had no pv name and storageClass name',
         {"grammar": "raw", "prefilter": "PersistentVolumeClaim had no pv name and storageClass name",
          "version_hint": "1.21", "codes": {"volume.storageclass-not-found": 1}},
         "volume.storageclass-not-found", (13,), id="1.21-filter-plugin-error"),
    case('running "VolumeZone" filter plugin for pod "web-0": PersistentVolume had no name',
         {"grammar": "raw", "prefilter": "PersistentVolume had no name", "version_hint": "1.18-1.20"},
         None, (12,), id="1.18-1.20-filter-plugin-error"),
    case('error while running "InterPodAffinity" prefilter plugin for pod "web-0": parsing pod: bad selector',
         {"grammar": "raw", "prefilter": "parsing pod: bad selector", "version_hint": "1.16-1.18"},
         None, (14,), id="1.16-1.18-prefilter-wrapper"),
    case('rejected by "VolumeBinding" at prefilter: pod has unbound immediate PersistentVolumeClaims',
         {"grammar": "raw", "prefilter": "pod has unbound immediate PersistentVolumeClaims",
          "codes": {"volume.pvc-unbound": 1}, "version_hint": "1.16-1.18"},
         "volume.pvc-unbound", (15,), id="1.16-1.18-unschedulable-prefilter-wrapper"),
    case('prefilter plugin "VolumeBinding" failed for pod "web-0": storageclass.storage.k8s.io "fast" not found',
         {"grammar": "raw", "prefilter": 'storageclass.storage.k8s.io "fast" not found', "version_hint": "1.19",
          "codes": {"volume.storageclass-not-found": 1}},
         "volume.storageclass-not-found", (16,), id="1.19-prefilter-plugin-failed"),
    case('running PreFilter plugin "VolumeBinding": storageclass.storage.k8s.io "fast" not found',
         {"grammar": "raw", "prefilter": 'storageclass.storage.k8s.io "fast" not found',
          "codes": {"volume.storageclass-not-found": 1}},
         "volume.storageclass-not-found", (17,), id="1.20-plus-prefilter-error"),
    case("0/8 nodes are available: 2 Insufficient cpu, 3 node(s) didn't match Pod's node affinity/selector, "
         "8 Insufficient nvidia.com/gpu.",
         {"grammar": "histogram", "total_nodes": 8,
          "codes": {"sched.insufficient-resources": 10, "sched.node-affinity": 3}},
         "sched.insufficient-resources", (4,), id="1.21-1.23-extended-resource-counts-sum-above-n"),
    case("0/3 nodes are available: 3 Insufficient nvidia.com/gpu. preemption: 0/3 nodes are available: "
         "3 No preemption victims found for incoming pod.",
         {"grammar": "histogram", "codes": {"sched.insufficient-resources": 3}},
         "sched.insufficient-resources", (5, 7), id="1.24-1.25-or-1.29-plus-gpu-with-preemption-tail"),
    case('0/4 nodes are available: persistentvolumeclaim "data-0" not found. preemption: 0/4 nodes are '
         "available: 4 Preemption is not helpful for scheduling..",
         {"grammar": "prefilter", "prefilter": 'persistentvolumeclaim "data-0" not found',
          "codes": {"volume.pvc-not-found": 4}, "version_hint": "1.26-1.28"},
         "volume.pvc-not-found", (6,), id="1.26-1.28-uncounted-prefilter-double-period"),
    case("no nodes available to schedule pods", {"grammar": "no-nodes"}, "sched.no-nodes", (18,), id="any-no-nodes"),
    case("skip schedule deleting pod: shop/web-0", {"grammar": "raw", "codes": {}}, None, (19,),
         id="1.7-plus-skip-deleting-pod"),
    case("", {"grammar": "unparsed", "codes": {}}, None, (20,), id="1.4-1.5-empty-condition-message"),
]


def test_aggregate_of_100kb_parses_in_linear_time() -> None:
    p = parse_failed_scheduling("[" + "SchedulerPredicates failed due to x, " * 20_000 + "y]")
    assert p.grammar == "raw"


@pytest.mark.parametrize(("message", "want", "top", "formats"), WHOLE)
def test_whole_messages_of_every_release(message: str, want: dict[str, Any], top: str | None,
                                         formats: tuple[int, ...]) -> None:
    p = parse_failed_scheduling(message)
    got = {k: getattr(p, k) for k in want}
    assert got == want
    ranked = ranked_codes(p)
    assert (ranked[0][0] if ranked else None) == top
    assert p.unknown_reasons == {}


# ---- end to end: the CLI on an old release's pod and event, no Node objects -----------------------------
def _pod(message: str, condition_message: str) -> str:
    """The pod as `kubectl get -o yaml` serves it, and its FailedScheduling event."""
    pod = f"""
        apiVersion: v1
        kind: Pod
        metadata: {{name: web-0, namespace: shop, uid: pod-web-0}}
        spec:
          containers: [{{name: app, image: "nginx:1.11"}}]
        status:
          phase: Pending
          conditions:
          - {{type: PodScheduled, status: "False", reason: Unschedulable, message: {json.dumps(condition_message)}}}
        """
    ev = event_yaml("Pod", "web-0", "FailedScheduling", message, ns="shop", uid="pod-web-0",
                    component="default-scheduler", count=7)
    return docs(pod, ev)


E2E = [
    pytest.param(
        "pod (web-0) failed to fit in any node\nfit failure on node (ip-10-0-1-17): Insufficient cpu\n"
        "fit failure on node (ip-10-0-1-18): Insufficient\n  cpu\nfit failure on node (ip-10-0-1-19): "
        "PodToleratesNodeTaints\n", "",
        {"code": "sched.insufficient-resources", "confidence": "likely",
         "cause": "from the scheduler's message (no Node objects in the input to recompute): 2 node(s): "
                  "Insufficient cpu"},
        id="1.4-per-node-folded-line-empty-condition-message"),
    pytest.param(
        "pod (web-0) failed to fit in any node\nfit failure summary on nodes : Insufficient "
        "alpha.kubernetes.io/nvidia-gpu (2), MatchNodeSelector (1)", "",
        {"code": "sched.insufficient-resources", "confidence": "likely",
         "cause": "from the scheduler's message (no Node objects in the input to recompute): 2 node(s): "
                  "Insufficient alpha.kubernetes.io/nvidia-gpu"},
        id="1.5-summary-gpu-count-empty-condition-message"),
    pytest.param(
        "No nodes are available that match all of the following predicates:: MatchNodeSelector (2), "
        "NodeUnderDiskPressure (1).", "same",
        {"code": "node.disk-full", "confidence": "likely",
         "cause": "from the scheduler's message (no Node objects in the input to recompute): 1 node(s): "
                  "NodeUnderDiskPressure"},
        id="1.6-disk-pressure-on-the-only-selectable-node"),
    pytest.param(
        "0/3 nodes are available: 1 NodeNotReady, 2 PodToleratesNodeTaints.", "same",
        {"code": "sched.untolerated-taint", "confidence": "likely",
         "cause": "from the scheduler's message (no Node objects in the input to recompute): 2 node(s): "
                  "PodToleratesNodeTaints"},
        id="1.9-predicate-names-histogram"),
    pytest.param(
        '[SchedulerPredicates failed due to PersistentVolumeClaim is not bound: "data", which is unexpected., '
        'SchedulerPredicates failed due to PersistentVolumeClaim is not bound: "data", which is unexpected.]',
        "",
        # the volumes analyzer reads the claim error and speaks first
        {"code": "volume.pvc-unbound", "confidence": "likely",
         "cause": "The pod uses claims that are not bound (Immediate binding), so the scheduler will not place it. "
                  "Usual reasons: no StorageClass named and no default StorageClass, a provisioner that is not "
                  "installed or failing, or no matching PV; claims were not in the input to tell which."},
        id="1.4-1.6-aggregated-predicate-errors-pod-without-its-volumes"),
]


@pytest.mark.parametrize(("message", "condition", "first"), E2E)
def test_cli_offline_on_an_old_release(tmp_path: Path, message: str, condition: str, first: dict[str, str]) -> None:
    """<=1.5 schedulers left the PodScheduled condition without a message (the event has it); 1.6+ copy it."""
    path = tmp_path / "pod.yaml"
    path.write_text(_pod(message, message if condition == "same" else condition))
    rc, out, _err = run_cli("pod", "web-0", "-n", "shop", "--from", str(path), "-o", "json")
    assert rc == 1
    doc = json.loads(out)
    subject = next(s for s in doc["subjects"] if s["ref"] == "Pod/shop/web-0")
    f = subject["findings"][0]
    assert {k: f[k] for k in ("code", "severity", "confidence", "cause")} == {"severity": "error", **first}
    assert f["evidence"] == [{"ref": "Event/shop/web-0.failedscheduling0",
                              "field": ".message [FailedScheduling (x7, last 2026-03-01T11:00:00Z)]",
                              "observed": message}]
