"""Real `kubectl describe` output of several kubectl releases, for any objects a test gives.

Mirrors what a person on call pastes from `kubectl describe <kind> <name>`: the objects are served by
the loopback fake API server of the live tests (tests/live/apiserver, TLS and a bearer token, as
tests/live/test_live_kubectl.py runs kubectl) and the real kubectl binary of each release describes
them. Import as `from describegen import KUBECTLS, describe`.

    text = describe([pod, event], None, "1.28", tmp_path)

Releases: 1.20, 1.24, 1.28 (built by `bash scripts/cluster.sh build` from scripts/cluster/kubectl-old),
1.32 (Debian's kubernetes-client, /usr/bin/kubectl) and 1.34 (the multi-call binary of the same build).
"""

from __future__ import annotations

import atexit
import copy
import json
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from live.apiserver import FakeAPIServer, Pki, Resource, Rules, Seen, make_pki, write_kubeconfig
from live.apiserver.resources import resources

BIN = Path(os.environ.get("PODWHY_CLUSTER_CACHE", "/opt/podwhy-cluster")) / "bin"
BUILD = "bash scripts/cluster.sh build"
_BINARIES = {
    "1.20": (BIN / "kubectl-1.20", BUILD),
    "1.24": (BIN / "kubectl-1.24", BUILD),
    "1.28": (BIN / "kubectl-1.28", BUILD),
    "1.32": (Path("/usr/bin/kubectl"), "apt-get install kubernetes-client (Debian's, 1.32)"),
    "1.34": (BIN / "kubectl", BUILD),
}

# What `describe` describes when the test names nothing: the kinds podwhy reads describe text of.
DEFAULT_KINDS = ("Pod", "Node", "PersistentVolumeClaim", "ReplicaSet", "Deployment")


class _Kubectls(Mapping[str, str]):
    """release -> kubectl binary. Looking a release up checks that its binary is there and is that
    release: a test never skips for a missing kubectl, it fails naming the command that provides it."""

    def __getitem__(self, release: str) -> str:
        path, provider = _BINARIES[release]
        if not os.access(path, os.X_OK):
            raise AssertionError(f"kubectl {release} is missing ({path}): run `{provider}`")
        version = _client_version(str(path))
        if not version.startswith(f"v{release}."):
            raise AssertionError(f"{path} is kubectl {version}, not {release}: run `{provider}`")
        return str(path)

    def __iter__(self) -> Iterator[str]:
        return iter(_BINARIES)

    def __len__(self) -> int:
        return len(_BINARIES)


KUBECTLS: Mapping[str, str] = _Kubectls()


@cache
def _client_version(binary: str) -> str:
    done = subprocess.run([binary, "version", "--client", "-o", "json"], capture_output=True, text=True,
                          timeout=60, check=False, env={"HOME": tempfile.gettempdir(), "PATH": "/usr/bin:/bin"})
    if done.returncode != 0:
        raise AssertionError(f"{binary} version --client failed: {done.stderr}")
    return str(json.loads(done.stdout)["clientVersion"]["gitVersion"])


@cache
def _pki() -> Pki:
    """One cluster CA per test process (openssl takes about a second to make one)."""
    directory = Path(tempfile.mkdtemp(prefix="describegen-pki-"))
    atexit.register(shutil.rmtree, directory, True)
    return make_pki(directory)


@cache
def _by_kind() -> dict[tuple[str, str], Resource]:
    return {(r.group_version, r.kind): r for r in resources().values()}


def _resource(obj: dict[str, Any]) -> Resource:
    key = (obj.get("apiVersion", ""), obj.get("kind", ""))
    res = _by_kind().get(key)
    if res is None:
        raise AssertionError(f"the fake API server serves no {key[1]!r} of {key[0]!r}: "
                             f"{sorted(f'{k} {gv}' for gv, k in _by_kind())}")
    return res


def _uid(obj: dict[str, Any]) -> str:
    meta = obj["metadata"]
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{obj['kind']}/{meta.get('namespace', '')}/{meta['name']}"))


def _complete(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Copies of the objects with what the API server and the event recorder would have set.

    Every object gets a uid, and a namespaced one the namespace "default". Every Event gets a name, the
    namespace of the object it is about, the uid of that object (kubectl asks events by
    involvedObject.uid: k8s.io/kubectl pkg/describe/describe.go searchEvents, 1.20-1.34; for a Node the
    uid the kubelet writes is the node's name, the only one kubectl 1.20 asks for, 1.24+ asks both), and
    count, firstTimestamp and lastTimestamp from one another (the Age column, "13d (x6 over 13d)", is
    made of them: DescribeEvents, same file)."""
    out = [copy.deepcopy(o) for o in objects]
    uids = {}
    for o in out:
        meta = o.setdefault("metadata", {})
        if o.get("kind") == "Event":  # stored in the namespace of the object it is about
            meta.setdefault("namespace", o.get("involvedObject", {}).get("namespace") or "default")
        elif _resource(o).namespaced:
            meta.setdefault("namespace", "default")
        if o.get("kind") != "Event":
            meta.setdefault("uid", _uid(o))
            uids[(o["kind"], meta.get("namespace", ""), meta["name"])] = meta["uid"]
    for n, o in enumerate(out):
        if o.get("kind") != "Event":
            continue
        io = o.setdefault("involvedObject", {})
        # named as the event recorder names them: <object>.<16 hex digits>
        o["metadata"].setdefault("name", f"{io.get('name', 'event')}.{n:016x}")
        key = (io.get("kind", ""), io.get("namespace", ""), io.get("name", ""))
        if "uid" not in io:
            uid = key[2] if key[0] == "Node" else uids.get(key)
            if uid:
                io["uid"] = uid
        first = o.get("firstTimestamp") or o.get("lastTimestamp") or o["metadata"].get("creationTimestamp")
        if first:
            o.setdefault("firstTimestamp", first)
            o.setdefault("lastTimestamp", o["firstTimestamp"])
        o.setdefault("count", 1)
    return out


def _served(objects: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Rules.objects for these objects: every resource the server knows is served with exactly the given
    items (none of the recorded cluster's), items without kind/apiVersion as in a list."""
    served: dict[str, list[dict[str, Any]]] = {f"{r.group_version}/{r.plural}": [] for r in resources().values()}
    for o in objects:
        res = _resource(o)
        item = {k: v for k, v in o.items() if k not in ("kind", "apiVersion")}
        served[f"{res.group_version}/{res.plural}"].append(item)
    return served


def _asked(objects: list[dict[str, Any]]) -> list[tuple[str, str | None, str]]:
    return [(o["kind"], o["metadata"].get("namespace"), o["metadata"]["name"]) for o in objects
            if o.get("kind") in DEFAULT_KINDS]


def _kubectl_type(kind: str) -> str:
    """What to type for a kind: its resource (`replicasets.apps`); other words (pod, pvc...) pass as typed."""
    for (gv, k), res in _by_kind().items():
        if k == kind:
            return f"{res.plural}.{res.group}" if "/" in gv else res.plural
    return kind


def describe(objects: list[dict[str, Any]], kinds_names: list[tuple[str, str | None, str]] | None,
             kubectl: str, tmp_path: Path, *, requests: list[Seen] | None = None) -> str:
    """`kubectl describe <kind> <name> [-n <namespace>]` of each (kind, namespace, name) asked (default:
    every Pod, Node, PersistentVolumeClaim, ReplicaSet and Deployment among the objects, in their order),
    with `objects` (full objects with kind and apiVersion, Events included) served by the fake API server.

    kubectl: a release of KUBECTLS ("1.28") or a kubectl binary. Returns the outputs one after another
    separated as kubectl separates several (`kubectl describe pods` writes "\\n\\n" between two:
    k8s.io/kubectl pkg/cmd/describe/describe.go DescribeOptions.Run, 1.20-1.34). `requests`, when given,
    receives every request the server saw.
    """
    binary = KUBECTLS[kubectl] if kubectl in _BINARIES else kubectl
    served = _complete(objects)
    asked = kinds_names if kinds_names is not None else _asked(served)
    assert asked, "nothing to describe: no Pod, Node, PVC, ReplicaSet or Deployment among the objects"
    pki = _pki()
    home = tmp_path / f"kubectl-home-{uuid.uuid4().hex[:8]}"
    home.mkdir(parents=True)
    outputs = []
    with FakeAPIServer(Rules(objects=_served(served)), tls=pki) as api:
        kubeconfig = write_kubeconfig(home / "kubeconfig", api.url, ca=pki.ca)
        for kind, namespace, name in asked:
            argv = [binary, "--kubeconfig", str(kubeconfig), "--cache-dir", str(home / "cache"),
                    "--request-timeout", "20s", "describe", _kubectl_type(kind), name]
            if namespace:
                argv += ["-n", namespace]
            done = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False,
                                  env={"HOME": str(home), "PATH": "/usr/bin:/bin", "KUBECONFIG": str(kubeconfig)})
            assert (done.returncode, done.stderr) == (0, ""), f"{' '.join(argv[5:])}: {done.stderr}"
            outputs.append(done.stdout)
        if requests is not None:
            requests.extend(api.requests)
    return "\n\n".join(outputs)
