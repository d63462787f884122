"""A pod's effective resource requests and limits, exactly as the scheduler and quota compute them.

Mirrors k8s.io/component-helpers/resource/helpers.go PodRequests/PodLimits (v1.35):
containers summed; init containers walked in order with restartable (sidecar) ones added to both
the running sum and the long-running total; max(containers, each init-time use); pod-level
`spec.resources` replaces the aggregate for cpu/memory/hugepages-* it sets; `spec.overhead` added.
Values are in the scheduler's units: millicores for cpu, base units (rounded up) otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from podwhy.model import Container, PodSpec
from podwhy.model.base import QuantityValue
from podwhy.quantity import scheduler_units

ResourceMap = dict[str, int]


# Pods of one workload repeat the same few ResourceLists: converted once, copied on the way out
# (callers may mutate what they get).
_UNITS: dict[tuple[tuple[str, QuantityValue], ...], ResourceMap] = {}
_UNITS_MAX = 65536


def to_units(rl: Mapping[str, QuantityValue]) -> ResourceMap:
    """A ResourceList in scheduler units. Unparseable quantities are left out (the API rejects them anyway)."""
    return dict(_shared_units(rl)) if rl else {}


def _shared_units(rl: Mapping[str, QuantityValue]) -> ResourceMap:
    """to_units without the copy: the memoised map itself, which callers must not mutate."""
    if not rl:
        return _EMPTY
    key = tuple(rl.items())
    try:
        got = _UNITS.get(key)
    except TypeError:  # an unhashable value: not a quantity the API would accept; convert uncached
        return _convert(rl)
    if got is None:
        got = _convert(rl)
        if len(_UNITS) < _UNITS_MAX:
            _UNITS[key] = got
    return got


_EMPTY: ResourceMap = {}


def container_requests(c: Container) -> ResourceMap:
    """A container's requests after API defaulting (pkg/apis/core/v1/defaults.go SetDefaults_Pod,
    v1.35): every resource with a limit but no request is requested at its limit. Shared, read-only."""
    res = c.resources
    if not res.limits:
        return _shared_units(res.requests)
    if not res.requests:
        return _shared_units(res.limits)
    if res.limits.keys() <= res.requests.keys():
        return _shared_units(res.requests)
    return _shared_units({**res.limits, **res.requests})


def _convert(rl: Mapping[str, QuantityValue]) -> ResourceMap:
    out: ResourceMap = {}
    for name, q in rl.items():
        try:
            out[name] = scheduler_units(name, q)
        except ValueError:
            continue
    return out


def _add(into: ResourceMap, other: Mapping[str, int]) -> None:
    for k, v in other.items():
        into[k] = into.get(k, 0) + v


def _max(into: ResourceMap, other: Mapping[str, int]) -> None:
    for k, v in other.items():
        if v > into.get(k, 0):
            into[k] = v


def _container_values(c: Container, which: str) -> ResourceMap:
    return container_requests(c) if which == "requests" else _shared_units(c.resources.limits)


def aggregate(containers: Iterable[Container], init_containers: Iterable[Container], which: str = "requests") -> ResourceMap:
    total: ResourceMap = {}
    for c in containers:
        _add(total, _container_values(c, which))
    sidecars: ResourceMap = {}
    init_max: ResourceMap = {}
    for c in init_containers:
        vals = _container_values(c, which)
        if c.restart_policy == "Always":
            _add(total, vals)
            _add(sidecars, vals)
            _max(init_max, sidecars)
        else:
            use = dict(sidecars)
            _add(use, vals)
            _max(init_max, use)
    _max(total, init_max)
    return total


POD_LEVEL = ("cpu", "memory")


def pod_requests(spec: PodSpec, *, include_overhead: bool = True) -> ResourceMap:
    """R(pod) of semantics A2.6."""
    if not spec.init_containers and not spec.overhead and spec.resources is None and len(spec.containers) == 1:
        return dict(container_requests(spec.containers[0]))  # the common shape, without the walk
    out = aggregate(spec.containers, spec.init_containers, "requests")
    _apply_pod_level(out, spec, "requests")
    if include_overhead and spec.overhead:
        _add(out, to_units(spec.overhead))
    return out


def pod_requests_shared(spec: PodSpec) -> ResourceMap:
    """pod_requests for callers that never mutate the result (the scheduler cache of bound pods):
    a single-container pod without init containers, overhead or pod-level resources costs one lookup."""
    if not spec.init_containers and not spec.overhead and spec.resources is None and len(spec.containers) == 1:
        return container_requests(spec.containers[0])
    return pod_requests(spec)


def pod_limits(spec: PodSpec, *, include_overhead: bool = True) -> ResourceMap:
    out = aggregate(spec.containers, spec.init_containers, "limits")
    _apply_pod_level(out, spec, "limits")
    if include_overhead and spec.overhead:
        for k, v in to_units(spec.overhead).items():
            if k in out:
                out[k] += v
    return out


def _apply_pod_level(out: ResourceMap, spec: PodSpec, which: str) -> None:
    if spec.resources is None:
        return
    rl = spec.resources.requests if which == "requests" else spec.resources.limits
    if which == "requests" and not rl:
        rl = spec.resources.limits
    for name, v in to_units(rl).items():
        if name in POD_LEVEL or name.startswith("hugepages-"):
            out[name] = v
