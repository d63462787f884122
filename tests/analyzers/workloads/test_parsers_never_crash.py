"""Any controller failure text (truncated, pasted, hostile) yields a finding or nothing, never an exception."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from podwhy.analyzers.workloads import admission, limitrange, podsecurity, quota
from podwhy.analyzers.workloads.common import Failure, Target, unwrap
from podwhy.findings import Evidence
from podwhy.model import Container, PodSpec, ResourceRequirements
from podwhy.model.policy import LimitRange, LimitRangeItem, LimitRangeSpec, ResourceQuota

PIECES = st.sampled_from([
    'Error creating: ', 'pods "web-" is forbidden: ', "exceeded quota: q, requested: ", "used: ", "limited: ",
    "requests.cpu=", "limits.memory=", "pods=", "500m", "2Gi", "x", ",", ", ", "=", "failed quota: q: must specify ",
    "limits.cpu for: ", "; ", "maximum cpu usage per Container is ", "minimum memory usage per Pod is ",
    ", but limit is ", ", but request is ", ".  No limit is specified", " max limit to request ratio per Container is ",
    ", but provided ratio is ", "4.000000", "[", "]", '(', ')', 'violates PodSecurity "restricted:latest": ',
    'container "a" must set ', 'admission webhook "h" denied the request', ": ", 'failed calling webhook "h": ',
    "https://svc.ns.svc:443/x", "error looking up service account ns/sa", "create Pod web-0 in StatefulSet web failed error: ",
    "\n", '"', "\\", "\x1b[31m",
])

SPEC = PodSpec(containers=(Container(name="app", resources=ResourceRequirements(
    requests={"cpu": "1", "memory": "1Gi"}, limits={"cpu": "2", "memory": "2Gi"})),))
LRS = [LimitRange(spec=LimitRangeSpec(limits=(LimitRangeItem(type="Container", max={"cpu": "1"}, min={"memory": "x"}),)))]


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=14).map("".join))
def test_failure_parsers_never_raise(text: str) -> None:
    inner, cause, pod, forb = unwrap(text)
    fl = Failure(Evidence(ref="ReplicaSet/ns/web"), text, inner, cause, pod, forb)
    tgt = Target("Deployment", "web", "ns")
    for spec in (SPEC, None):
        quota.exceeded(fl, tgt, "x", spec, [ResourceQuota()], LRS, 2)
        quota.must_specify(fl, tgt, "x", spec, LRS)
        quota.other(fl, tgt, "x")
        podsecurity.analyze(fl, tgt, "x", spec)
        limitrange.analyze(fl, tgt, spec, LRS, "x")
        admission.webhook(fl, tgt, "x")
        admission.other(fl, tgt, "x")
