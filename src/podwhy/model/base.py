"""Common base for the partial models: frozen, no cyclic GC tracking, camelCase wire names."""

from typing import Any

import msgspec

# Quantities arrive as strings ("500m", "1Gi") but hand-written YAML often has bare numbers (cpu: 2).
QuantityValue = str | int | float
ResourceList = dict[str, QuantityValue]
# IntOrString fields (maxUnavailable, targetPort, ...).
IntOrString = int | str


class K8s(msgspec.Struct, frozen=True, gc=False, rename="camel", omit_defaults=True):
    """Base of every model struct."""


def empty_dict() -> dict[str, Any]:
    return {}
