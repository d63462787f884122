"""core/v1 Service: only what tells which pods it sends traffic to (spec.selector, k8s.io/api/core/v1/types.go);
a pod that is not Ready is left out of its EndpointSlices (pkg/controller/endpointslice, 1.21-1.35), so the
selector is enough to say which Services a NotReady pod is missing from."""


from podwhy.model.base import K8s
from podwhy.model.meta import ObjectMeta


class ServicePort(K8s, frozen=True, gc=False):
    name: str = ""
    port: int = 0
    # An IntOrString: a number or the name of a container port.
    target_port: int | str | None = None


class ServiceSpec(K8s, frozen=True, gc=False):
    # None/empty: a Service without a selector (endpoints managed by hand), which selects no pod.
    selector: dict[str, str] | None = None
    ports: tuple[ServicePort, ...] = ()
    type: str = ""
    publish_not_ready_addresses: bool = False


class Service(K8s, frozen=True, gc=False):
    metadata: ObjectMeta = ObjectMeta()
    spec: ServiceSpec = ServiceSpec()
    kind: str = "Service"


__all__ = ["Service", "ServicePort", "ServiceSpec"]
