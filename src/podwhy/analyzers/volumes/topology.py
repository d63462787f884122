"""Where a bound PersistentVolume lets a pod run: its node affinity and its zone labels.

Mirrors kube-scheduler 1.35 `volumebinding/binder.go` (a bound PV's `spec.nodeAffinity.required`
must match the node: component-helpers `storage/volume/helpers.go` CheckNodeAffinity) and
`volumezone/volume_zone.go` (PV labels topology.kubernetes.io/{zone,region} and their
failure-domain.beta twins, values a `__`-separated set; a node with none of those labels passes).
The pod side (which nodes the pod could use at all) is its nodeSelector, required node affinity
and NoSchedule/NoExecute taints, evaluated by `podwhy.analyzers.selectors`.
"""

from __future__ import annotations

from collections.abc import Iterable

from podwhy.analyzers.selectors import node_selector_matches, untolerated
from podwhy.model import Node, PersistentVolume, Pod

ZONE = "topology.kubernetes.io/zone"
REGION = "topology.kubernetes.io/region"
BETA_ZONE = "failure-domain.beta.kubernetes.io/zone"
BETA_REGION = "failure-domain.beta.kubernetes.io/region"
TOPOLOGY_LABELS = (ZONE, REGION, BETA_ZONE, BETA_REGION)
TWIN = {ZONE: BETA_ZONE, BETA_ZONE: ZONE, REGION: BETA_REGION, BETA_REGION: REGION}


def label_set(value: str) -> set[str]:
    # volumehelpers.LabelZonesToSet: `__` separates the zones of a multi-zone volume.
    return {v for v in value.split("__") if v}


def zone_label_ok(pv: PersistentVolume, node: Node) -> bool:
    """VolumeZone Filter for one bound PV."""
    labels = node.metadata.labels
    if not any(k in labels for k in TOPOLOGY_LABELS):
        return True
    for key, value in pv.metadata.labels.items():
        if key not in TOPOLOGY_LABELS:
            continue
        have = labels.get(key, labels.get(TWIN[key]))
        if have is None or have not in label_set(value):
            return False
    return True


def affinity_ok(pv: PersistentVolume, node: Node) -> bool:
    req = pv.spec.node_affinity.required if pv.spec.node_affinity is not None else None
    if req is None:
        return True
    return node_selector_matches(req, node.metadata.labels, node.metadata.name)


def pv_allows(pv: PersistentVolume, node: Node) -> bool:
    return affinity_ok(pv, node) and zone_label_ok(pv, node)


def pod_could_use(pod: Pod, node: Node) -> bool:
    """The pod's own placement rules, without the volumes: nodeSelector, required node affinity, taints."""
    labels = node.metadata.labels
    if any(labels.get(k) != v for k, v in pod.spec.node_selector.items()):
        return False
    aff = pod.spec.affinity.node_affinity if pod.spec.affinity is not None else None
    req = aff.required_during_scheduling_ignored_during_execution if aff is not None else None
    if req is not None and not node_selector_matches(req, labels, node.metadata.name):
        return False
    return not untolerated(node.spec.taints, pod.spec.tolerations)


def _zone_key(key: str) -> str | None:
    """Group the many zone keys (GA/beta labels, CSI drivers' own `.../zone` topology keys) as one."""
    last = key.rsplit("/", 1)[-1]
    if last == "zone" or key in (ZONE, BETA_ZONE):
        return "zone"
    if last == "region" or key in (REGION, BETA_REGION):
        return "region"
    return None


def pv_constraints(pv: PersistentVolume) -> list[dict[str, set[str]]]:
    """The PV's allowed topology as OR-ed terms of {key: allowed values} (zone/region keys grouped).

    An empty list means unconstrained. Zone labels are ANDed into every term.
    """
    labels: dict[str, set[str]] = {}
    for key, value in pv.metadata.labels.items():
        g = _zone_key(key) if key in TOPOLOGY_LABELS else None
        if g is not None:
            vals = label_set(value)
            labels[g] = labels[g] & vals if g in labels else vals
    terms: list[dict[str, set[str]]] = []
    req = pv.spec.node_affinity.required if pv.spec.node_affinity is not None else None
    for t in req.node_selector_terms if req is not None else ():
        d: dict[str, set[str]] = {}
        for r in t.match_expressions:
            if r.operator != "In":
                continue
            k = _zone_key(r.key) or r.key
            d[k] = d[k] & set(r.values) if k in d else set(r.values)
        terms.append(d)
    if not terms:
        return [labels] if labels else []
    out = []
    for d in terms:
        merged = dict(d)
        for k, v in labels.items():
            merged[k] = merged[k] & v if k in merged else set(v)
        out.append(merged)
    return out


def compatible(a: list[dict[str, set[str]]], b: list[dict[str, set[str]]]) -> bool:
    """Could one node satisfy both PVs? False only when every pair of terms pins a shared key to
    disjoint value sets (e.g. zone us-east-1a vs zone us-east-1b)."""
    if not a or not b:
        return True
    for ta in a:
        for tb in b:
            if all(ta[k] & tb[k] for k in ta.keys() & tb.keys()):
                return True
    return False


def zones_of(pv: PersistentVolume) -> list[str]:
    out: set[str] = set()
    for t in pv_constraints(pv):
        out |= t.get("zone", set())
    return sorted(out)


def node_zone(node: Node) -> str:
    labels = node.metadata.labels
    return labels.get(ZONE) or labels.get(BETA_ZONE) or ""


def zones_text(nodes: Iterable[Node]) -> str:
    zs = sorted({node_zone(n) or "(no zone label)" for n in nodes})
    return ", ".join(zs)
