"""Events: core/v1 Event and events.k8s.io/v1 Event, normalised into one shape.

Both API versions are decoded with their own wire structs, then converted to `Event`
(core/v1 field names), because analyzers must not care which API the cluster served.
"""

from podwhy.model.base import K8s
from podwhy.model.meta import ObjectMeta


class ObjectReference(K8s, frozen=True, gc=False):
    kind: str = ""
    namespace: str = ""
    name: str = ""
    uid: str = ""
    api_version: str = ""
    field_path: str = ""


class EventSource(K8s, frozen=True, gc=False):
    component: str = ""
    host: str = ""


class EventSeries(K8s, frozen=True, gc=False):
    count: int = 0
    last_observed_time: str | None = None


class Event(K8s, frozen=True, gc=False):
    """core/v1 Event (also the normalised form of events.k8s.io/v1)."""

    metadata: ObjectMeta = ObjectMeta()
    involved_object: ObjectReference = ObjectReference()
    reason: str = ""
    message: str = ""
    type: str = ""
    source: EventSource = EventSource()
    reporting_component: str = ""
    count: int | None = None
    first_timestamp: str | None = None
    last_timestamp: str | None = None
    event_time: str | None = None
    series: EventSeries | None = None
    kind: str = "Event"

    @property
    def component(self) -> str:
        return self.source.component or self.reporting_component

    @property
    def last_seen(self) -> str:
        """Best timestamp for 'when did this last happen' (RFC 3339 strings sort chronologically)."""
        if self.series is not None and self.series.last_observed_time:
            return self.series.last_observed_time
        return self.last_timestamp or self.event_time or self.first_timestamp or self.metadata.creation_timestamp or ""

    @property
    def times(self) -> int:
        if self.series is not None and self.series.count:
            return self.series.count
        return self.count or 1


class EventV1(K8s, frozen=True, gc=False):
    """events.k8s.io/v1 Event wire form."""

    metadata: ObjectMeta = ObjectMeta()
    regarding: ObjectReference = ObjectReference()
    reason: str = ""
    note: str = ""
    type: str = ""
    reporting_controller: str = ""
    reporting_instance: str = ""
    event_time: str | None = None
    series: EventSeries | None = None
    deprecated_source: EventSource | None = None
    deprecated_first_timestamp: str | None = None
    deprecated_last_timestamp: str | None = None
    deprecated_count: int | None = None

    def normalise(self) -> Event:
        src = self.deprecated_source or EventSource(component=self.reporting_controller)
        return Event(
            metadata=self.metadata,
            involved_object=self.regarding,
            reason=self.reason,
            message=self.note,
            type=self.type,
            source=src,
            reporting_component=self.reporting_controller,
            count=self.deprecated_count,
            first_timestamp=self.deprecated_first_timestamp,
            last_timestamp=self.deprecated_last_timestamp,
            event_time=self.event_time,
            series=self.series,
        )
