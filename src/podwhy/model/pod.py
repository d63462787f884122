"""core/v1 Pod, PodSpec and the pieces of it that analyzers read (k8s.io/api/core/v1/types.go).

Env values (`env[].value`) are deliberately NOT modelled: they may hold credentials and no analyzer
needs them; only `valueFrom` references are kept.
"""

import msgspec

from podwhy.model.base import K8s, ResourceList
from podwhy.model.meta import LabelSelector, PodMeta


class ResourceRequirements(K8s, frozen=True, gc=False):
    requests: ResourceList = msgspec.field(default_factory=dict)
    limits: ResourceList = msgspec.field(default_factory=dict)


class ContainerPort(K8s, frozen=True, gc=False):
    container_port: int = 0
    host_port: int = 0
    host_ip: str = msgspec.field(default="", name="hostIP")
    protocol: str = ""
    name: str = ""


class KeyRef(K8s, frozen=True, gc=False):
    """SecretKeySelector / ConfigMapKeySelector."""

    name: str = ""
    key: str = ""
    optional: bool | None = None


class EnvVarSource(K8s, frozen=True, gc=False):
    secret_key_ref: KeyRef | None = None
    config_map_key_ref: KeyRef | None = None


class EnvVar(K8s, frozen=True, gc=False):
    name: str = ""
    value_from: EnvVarSource | None = None


class NameRef(K8s, frozen=True, gc=False):
    """SecretEnvSource / ConfigMapEnvSource / LocalObjectReference."""

    name: str = ""
    optional: bool | None = None


class EnvFromSource(K8s, frozen=True, gc=False):
    prefix: str = ""
    config_map_ref: NameRef | None = None
    secret_ref: NameRef | None = None


class ExecAction(K8s, frozen=True, gc=False):
    command: tuple[str, ...] = ()


class HTTPGetAction(K8s, frozen=True, gc=False):
    path: str = ""
    # An IntOrString: a number or the name of one of the container's ports.
    port: int | str = 0
    host: str = ""
    scheme: str = ""


class PortAction(K8s, frozen=True, gc=False):
    """TCPSocketAction / GRPCAction: only the port (and gRPC's service name) matter here."""

    port: int | str = 0
    service: str | None = None


class Probe(K8s, frozen=True, gc=False):
    """core/v1 Probe with the API server's defaults (pkg/apis/core/v1/defaults.go SetDefaults_Probe)."""

    exec: ExecAction | None = None
    http_get: HTTPGetAction | None = None
    tcp_socket: PortAction | None = None
    grpc: PortAction | None = None
    initial_delay_seconds: int = 0
    timeout_seconds: int = 1
    period_seconds: int = 10
    success_threshold: int = 1
    failure_threshold: int = 3
    termination_grace_period_seconds: int | None = None


class SecurityContext(K8s, frozen=True, gc=False):
    """The part of (Pod)SecurityContext the kubelet checks before it starts a container (runAsNonRoot)."""

    run_as_non_root: bool | None = None
    run_as_user: int | None = None


class Container(K8s, frozen=True, gc=False):
    name: str = ""
    image: str = ""
    image_pull_policy: str = ""
    # The entrypoint the runtime execs (start errors name it); None = the image's own.
    command: tuple[str, ...] | None = None
    args: tuple[str, ...] | None = None
    resources: ResourceRequirements = ResourceRequirements()
    ports: tuple[ContainerPort, ...] = ()
    env: tuple[EnvVar, ...] = ()
    env_from: tuple[EnvFromSource, ...] = ()
    # "Always" on an init container makes it a sidecar (KEP-753).
    restart_policy: str | None = None
    liveness_probe: Probe | None = None
    readiness_probe: Probe | None = None
    startup_probe: Probe | None = None
    security_context: SecurityContext | None = None


class Toleration(K8s, frozen=True, gc=False):
    key: str = ""
    operator: str = ""
    value: str = ""
    effect: str = ""
    toleration_seconds: int | None = None


class NodeSelectorRequirement(K8s, frozen=True, gc=False):
    key: str = ""
    operator: str = ""
    values: tuple[str, ...] = ()


class NodeSelectorTerm(K8s, frozen=True, gc=False):
    match_expressions: tuple[NodeSelectorRequirement, ...] = ()
    match_fields: tuple[NodeSelectorRequirement, ...] = ()


class NodeSelector(K8s, frozen=True, gc=False):
    node_selector_terms: tuple[NodeSelectorTerm, ...] = ()


class NodeAffinity(K8s, frozen=True, gc=False):
    required_during_scheduling_ignored_during_execution: NodeSelector | None = None


class PodAffinityTerm(K8s, frozen=True, gc=False):
    label_selector: LabelSelector | None = None
    namespaces: tuple[str, ...] = ()
    namespace_selector: LabelSelector | None = None
    topology_key: str = ""
    match_label_keys: tuple[str, ...] = ()
    mismatch_label_keys: tuple[str, ...] = ()


class PodAffinity(K8s, frozen=True, gc=False):
    required_during_scheduling_ignored_during_execution: tuple[PodAffinityTerm, ...] = ()


class Affinity(K8s, frozen=True, gc=False):
    node_affinity: NodeAffinity | None = None
    pod_affinity: PodAffinity | None = None
    pod_anti_affinity: PodAffinity | None = None


class TopologySpreadConstraint(K8s, frozen=True, gc=False):
    max_skew: int = 1
    topology_key: str = ""
    when_unsatisfiable: str = ""
    label_selector: LabelSelector | None = None
    min_domains: int | None = None
    node_affinity_policy: str | None = None
    node_taints_policy: str | None = None
    match_label_keys: tuple[str, ...] = ()


class KeyToPath(K8s, frozen=True, gc=False):
    key: str = ""
    path: str = ""


class SecretVolumeSource(K8s, frozen=True, gc=False):
    secret_name: str = ""
    items: tuple[KeyToPath, ...] = ()
    optional: bool | None = None


class ConfigMapVolumeSource(K8s, frozen=True, gc=False):
    name: str = ""
    items: tuple[KeyToPath, ...] = ()
    optional: bool | None = None


class ProjectedSecret(K8s, frozen=True, gc=False):
    name: str = ""
    items: tuple[KeyToPath, ...] = ()
    optional: bool | None = None


class VolumeProjection(K8s, frozen=True, gc=False):
    secret: ProjectedSecret | None = None
    config_map: ProjectedSecret | None = None


class ProjectedVolumeSource(K8s, frozen=True, gc=False):
    sources: tuple[VolumeProjection, ...] = ()


class PVCVolumeSource(K8s, frozen=True, gc=False):
    claim_name: str = ""
    read_only: bool = False


class EphemeralVolumeSource(K8s, frozen=True, gc=False):
    # Only its presence matters: the claim is named "<pod>-<volume>".
    volume_claim_template: dict[str, object] | None = None


class CSIVolumeSource(K8s, frozen=True, gc=False):
    driver: str = ""


class GCEPersistentDisk(K8s, frozen=True, gc=False):
    pd_name: str = ""
    read_only: bool = False


class AWSElasticBlockStore(K8s, frozen=True, gc=False):
    volume_id: str = msgspec.field(default="", name="volumeID")
    read_only: bool = False


class ISCSIVolumeSource(K8s, frozen=True, gc=False):
    target_portal: str = ""
    iqn: str = ""
    lun: int = 0
    read_only: bool = False


class RBDVolumeSource(K8s, frozen=True, gc=False):
    monitors: tuple[str, ...] = ()
    image: str = ""
    pool: str = ""
    read_only: bool = False


class HostPathVolumeSource(K8s, frozen=True, gc=False):
    path: str = ""


class Volume(K8s, frozen=True, gc=False):
    name: str = ""
    persistent_volume_claim: PVCVolumeSource | None = None
    secret: SecretVolumeSource | None = None
    config_map: ConfigMapVolumeSource | None = None
    projected: ProjectedVolumeSource | None = None
    ephemeral: EphemeralVolumeSource | None = None
    csi: CSIVolumeSource | None = None
    gce_persistent_disk: GCEPersistentDisk | None = None
    aws_elastic_block_store: AWSElasticBlockStore | None = None
    iscsi: ISCSIVolumeSource | None = None
    rbd: RBDVolumeSource | None = None
    host_path: HostPathVolumeSource | None = None


class SchedulingGate(K8s, frozen=True, gc=False):
    name: str = ""


class PodResourceClaim(K8s, frozen=True, gc=False):
    name: str = ""


class PodSpec(K8s, frozen=True, gc=False):
    containers: tuple[Container, ...] = ()
    init_containers: tuple[Container, ...] = ()
    ephemeral_containers: tuple[Container, ...] = ()
    node_name: str = ""
    node_selector: dict[str, str] = msgspec.field(default_factory=dict)
    affinity: Affinity | None = None
    tolerations: tuple[Toleration, ...] = ()
    topology_spread_constraints: tuple[TopologySpreadConstraint, ...] = ()
    scheduler_name: str = ""
    priority: int | None = None
    priority_class_name: str = ""
    preemption_policy: str | None = None
    service_account_name: str = ""
    # Deprecated alias of serviceAccountName, still written by old manifests.
    service_account: str = ""
    image_pull_secrets: tuple[NameRef, ...] = ()
    volumes: tuple[Volume, ...] = ()
    overhead: ResourceList = msgspec.field(default_factory=dict)
    # Pod-level resources (KEP-2837).
    resources: ResourceRequirements | None = None
    scheduling_gates: tuple[SchedulingGate, ...] = ()
    runtime_class_name: str | None = None
    host_network: bool = False
    restart_policy: str = ""
    resource_claims: tuple[PodResourceClaim, ...] = ()
    security_context: SecurityContext | None = None
    termination_grace_period_seconds: int | None = None


class PodTemplateMeta(K8s, frozen=True, gc=False):
    labels: dict[str, str] = msgspec.field(default_factory=dict)


class PodTemplateSpec(K8s, frozen=True, gc=False):
    metadata: PodTemplateMeta = PodTemplateMeta()
    spec: PodSpec = PodSpec()


class WaitingState(K8s, frozen=True, gc=False):
    reason: str = ""
    message: str = ""


class RunningState(K8s, frozen=True, gc=False):
    started_at: str | None = None


class TerminatedState(K8s, frozen=True, gc=False):
    reason: str = ""
    message: str = ""
    exit_code: int = 0
    signal: int = 0
    started_at: str | None = None
    finished_at: str | None = None


class ContainerState(K8s, frozen=True, gc=False):
    waiting: WaitingState | None = None
    running: RunningState | None = None
    terminated: TerminatedState | None = None


class ContainerStatus(K8s, frozen=True, gc=False):
    name: str = ""
    image: str = ""
    image_id: str = msgspec.field(default="", name="imageID")
    ready: bool = False
    # The startup probe has succeeded (or there is none) and the container runs (1.16+).
    started: bool | None = None
    restart_count: int = 0
    state: ContainerState = ContainerState()
    last_state: ContainerState = ContainerState()
    allocated_resources: ResourceList = msgspec.field(default_factory=dict)
    resources: ResourceRequirements | None = None


class PodCondition(K8s, frozen=True, gc=False):
    type: str = ""
    status: str = ""
    reason: str = ""
    message: str = ""
    last_transition_time: str | None = None


class PodStatus(K8s, frozen=True, gc=False):
    phase: str = ""
    reason: str = ""
    message: str = ""
    conditions: tuple[PodCondition, ...] = ()
    container_statuses: tuple[ContainerStatus, ...] = ()
    init_container_statuses: tuple[ContainerStatus, ...] = ()
    ephemeral_container_statuses: tuple[ContainerStatus, ...] = ()
    nominated_node_name: str = ""
    start_time: str | None = None
    qos_class: str = ""


class Pod(K8s, frozen=True, gc=False):
    metadata: PodMeta = PodMeta()
    spec: PodSpec = PodSpec()
    status: PodStatus = PodStatus()
    kind: str = "Pod"
