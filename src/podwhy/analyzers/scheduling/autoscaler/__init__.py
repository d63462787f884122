"""Why the node autoscaler does (not) add a node for a pending pod: cluster-autoscaler and Karpenter.

events.py parses CA's pod events, status.py its status ConfigMap, findings.py fuses them into
findings, karpenter.py reads Karpenter's events (each module names the upstream files it mirrors).
"""

from podwhy.analyzers.scheduling.autoscaler.events import (
    CAReason,
    NotTriggered,
    ScaleUp,
    classify_ca_reason,
    parse_not_triggered,
    parse_triggered,
)
from podwhy.analyzers.scheduling.autoscaler.findings import autoscaler_findings
from podwhy.analyzers.scheduling.autoscaler.status import AutoscalerStatus, GroupStatus, parse_status

__all__ = ["AutoscalerStatus", "CAReason", "GroupStatus", "NotTriggered", "ScaleUp", "autoscaler_findings",
           "classify_ca_reason", "parse_not_triggered", "parse_status", "parse_triggered"]
