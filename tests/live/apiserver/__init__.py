"""A loopback Kubernetes API server for the live-mode tests: recorded responses, RBAC and faults.

It serves `recorded/` (the responses of a small 1.31 cluster: three nodes, four namespaces, a few
stuck pods) the way kube-apiserver does, so the real official client and the real `kubectl` can
talk to it:

- discovery (`/api`, `/apis`, `/api/v1`, `/apis/<group>/<version>`) and `/version`;
- lists cluster-wide and per namespace, paged with `limit`/`continue` (continue tokens shaped like
  k8s.io/apiserver/pkg/storage/etcd3's: base64 JSON {"v","rv","start"}), items in etcd key order,
  `remainingItemCount` set; kinds with no recorded file are served as empty lists;
- single objects of every kind, namespaced or cluster-scoped (404 `<plural> "<name>" not found` when
  absent), and the node Leases (coordination.k8s.io/v1, not in the recorded discovery);
- fieldSelector (`=`, `==`, `!=`) and labelSelector (`=`, `!=`, `in`, `notin`, `k`, `!k`) filtering,
  so `kubectl describe` of pods, nodes, PVCs, ReplicaSets, Deployments, Secrets, ServiceAccounts, PVs
  and StorageClasses gets what it asks (tests/describegen.py serves a test's own objects this way);
- server-side printing: a meta.k8s.io Table when the client's Accept asks for one (kubectl get);
- metav1.Status bodies with the API server's own wording for 401, 403 (RBAC), 404, 410 Expired,
  429 (with Retry-After), 500 and 503;
- faults injected once (or n times): an expired continue token, 429, 500, 503, a connection dropped
  mid-body, a response slower than the client's timeout.

Listens on 127.0.0.1 only, plain HTTP or TLS (a self-signed certificate made with openssl).

The package is split by concern: `rules` (what a test configures), `resources` (the recording and
its discovery), `status` (Status bodies, continue tokens), `selectors`, `printing` (Tables),
`server` (FakeAPIServer and its data), `handler` (the HTTP side), `pki` and `kubeconfig`. Every name
the tests import is re-exported here.
"""

from __future__ import annotations

from .kubeconfig import write_kubeconfig
from .pki import Pki, make_pki
from .printing import DEFAULT_COLUMNS, POD_COLUMNS, table
from .resources import RECORDED, Resource
from .rules import Fault, Rules, Seen
from .selectors import _field, _selected
from .server import FakeAPIServer
from .status import EXPIRED_MESSAGE, _start_of, continue_token, status_body

__all__ = [
    "DEFAULT_COLUMNS",
    "EXPIRED_MESSAGE",
    "POD_COLUMNS",
    "RECORDED",
    "FakeAPIServer",
    "Fault",
    "Pki",
    "Resource",
    "Rules",
    "Seen",
    "_field",
    "_selected",
    "_start_of",
    "continue_token",
    "make_pki",
    "status_body",
    "table",
    "write_kubeconfig",
]
