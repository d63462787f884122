"""EventList documents: core/v1 lists take the one-pass typed path, events.k8s.io/v1 lists are
normalised; either way the same Events come out."""

from __future__ import annotations

import pytest

from podwhy.model import Event
from podwhy.snapshot.sources.decode import decode_json_document

CORE_ITEM = ('{"metadata":{"name":"web.1","namespace":"shop"},"involvedObject":{"kind":"Pod","namespace":"shop",'
             '"name":"web"},"reason":"FailedScheduling","message":"0/3 nodes are available","type":"Warning",'
             '"source":{"component":"default-scheduler"},"count":4,"lastTimestamp":"2026-11-20T10:00:00Z"}')
V1_ITEM = ('{"metadata":{"name":"web.1","namespace":"shop"},"regarding":{"kind":"Pod","namespace":"shop",'
           '"name":"web"},"reason":"FailedScheduling","note":"0/3 nodes are available","type":"Warning",'
           '"reportingController":"default-scheduler","deprecatedCount":4,'
           '"deprecatedLastTimestamp":"2026-11-20T10:00:00Z"}')


def _one(data: str) -> Event:
    out = decode_json_document(data.encode(), "<test>")
    assert out.loaded == {"Event"}
    assert [k for k, _ in out.objects] == ["Event"]
    ev = out.objects[0][1]
    assert isinstance(ev, Event)
    return ev


@pytest.mark.parametrize("data", [
    pytest.param('{"kind":"EventList","apiVersion":"v1","metadata":{},"items":[' + CORE_ITEM + ']}',
                 id="core-v1-list-in-api-server-key-order"),
    pytest.param('{"apiVersion": "v1", "items": [' + CORE_ITEM + '], "kind": "EventList", "metadata": {}}',
                 id="core-v1-list-in-kubectl-sorted-key-order"),
    pytest.param('{"kind":"EventList","items":[' + CORE_ITEM + ']}', id="list-without-apiversion-is-core"),
])
def test_core_event_lists_decode_to_events(data: str) -> None:
    ev = _one(data)
    assert (ev.metadata.name, ev.involved_object.name, ev.reason, ev.message, ev.component, ev.count) == (
        "web.1", "web", "FailedScheduling", "0/3 nodes are available", "default-scheduler", 4)


@pytest.mark.parametrize("data", [
    pytest.param('{"kind":"EventList","apiVersion":"events.k8s.io/v1","metadata":{},"items":[' + V1_ITEM + ']}',
                 id="events-k8s-io-list-in-api-server-key-order"),
    pytest.param('{"apiVersion":"events.k8s.io/v1","items":[' + V1_ITEM + '],"kind":"EventList","metadata":{}}',
                 id="events-k8s-io-list-in-kubectl-sorted-key-order"),
])
def test_events_k8s_io_lists_are_normalised_not_read_as_core(data: str) -> None:
    ev = _one(data)
    assert (ev.metadata.name, ev.involved_object.name, ev.reason, ev.message, ev.component) == (
        "web.1", "web", "FailedScheduling", "0/3 nodes are available", "default-scheduler")
