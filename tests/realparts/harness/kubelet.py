"""How the kubelet turns a CRI PullImage error into the texts a user sees (semantics.md B1.1-B1.3).

No kubelet runs here; these are the kubelet's formatting rules applied to the real runtime errors:
  * Go gRPC status error text: `rpc error: code = <Code> desc = <details>`
    (google.golang.org/grpc internal/status Error()).
  * Event `Failed` / `Failed to pull image %q: %v` (%q = the image exactly as in the pod spec);
    kubelet pkg/kubelet/images/image_manager.go, all versions.
  * kubelet >= 1.28 strips `rpc error: code = Unknown desc = ` (code Unknown only; NotFound keeps its
    prefix): pkg/kubelet/cri/remote/remote_image.go (1.28-1.30), k8s.io/cri-client remote_image.go (1.31+).
  * kubelet >= 1.32 waiting message of ImagePullBackOff: `Back-off pulling image %q: <prevReason>: <prevMessage>`
    (image_manager.go, kubernetes PR 127918).
"""

from __future__ import annotations

import grpc

# google.golang.org/grpc/codes String(); note Go's single-l "Canceled".
_GO_CODE_NAMES = {
    grpc.StatusCode.OK: "OK",
    grpc.StatusCode.CANCELLED: "Canceled",
    grpc.StatusCode.UNKNOWN: "Unknown",
    grpc.StatusCode.INVALID_ARGUMENT: "InvalidArgument",
    grpc.StatusCode.DEADLINE_EXCEEDED: "DeadlineExceeded",
    grpc.StatusCode.NOT_FOUND: "NotFound",
    grpc.StatusCode.ALREADY_EXISTS: "AlreadyExists",
    grpc.StatusCode.PERMISSION_DENIED: "PermissionDenied",
    grpc.StatusCode.RESOURCE_EXHAUSTED: "ResourceExhausted",
    grpc.StatusCode.FAILED_PRECONDITION: "FailedPrecondition",
    grpc.StatusCode.ABORTED: "Aborted",
    grpc.StatusCode.OUT_OF_RANGE: "OutOfRange",
    grpc.StatusCode.UNIMPLEMENTED: "Unimplemented",
    grpc.StatusCode.INTERNAL: "Internal",
    grpc.StatusCode.UNAVAILABLE: "Unavailable",
    grpc.StatusCode.DATA_LOSS: "DataLoss",
    grpc.StatusCode.UNAUTHENTICATED: "Unauthenticated",
}


def go_code_name(code: grpc.StatusCode) -> str:
    return _GO_CODE_NAMES[code]


def grpc_error(code: str, details: str) -> str:
    return f"rpc error: code = {code} desc = {details}"


def strip_unknown_prefix(err: str) -> str:
    """kubelet >= 1.28: only the Unknown prefix is removed."""
    prefix = "rpc error: code = Unknown desc = "
    return err[len(prefix) :] if err.startswith(prefix) else err


def failed_event_message(image: str, err: str) -> str:
    return f'Failed to pull image "{image}": {err}'


def backoff_waiting_message(image: str, err: str) -> str:
    """ImagePullBackOff waiting.message on kubelet >= 1.32 (previous reason is ErrImagePull)."""
    return f'Back-off pulling image "{image}": ErrImagePull: {err}'


# The user-visible forms the classifier must recognise, by name (test ids use these names).
def kubelet_forms(image: str, err: str) -> dict[str, str]:
    stripped = strip_unknown_prefix(err)
    return {
        "event-kubelet-1.27": failed_event_message(image, err),
        "event-kubelet-1.28": failed_event_message(image, stripped),
        "waiting-kubelet-1.28": stripped,
        "backoff-kubelet-1.32": backoff_waiting_message(image, stripped),
    }
