"""Parse kube-scheduler FailedScheduling messages of every version (1.4 -> 1.35) into counted reasons.

Mirrors how upstream assembles the text (semantics.md A1): the FitError histogram
(`pkg/scheduler/framework/types.go` FitError.Error; ≤1.20 `pkg/scheduler/core/generic_scheduler.go`),
the PreFilter message rendered without counts from 1.26, the DefaultPreemption tail from 1.24
(`framework/plugins/defaultpreemption/default_preemption.go`), the 1.26-1.28 `" %v."` separator that
leaves a double period, the 1024-byte event truncation (`schedule_one.go` truncateMessage), the raw
error texts of ≤1.19 volume checks and SchedulerError paths, and the client-go
`(combined from similar events): ` prefix. Every reason string below names the plugin/predicate file
and the minor versions where upstream prints it (semantics.md A2.0, A1.4, A2.15). The ≤1.16 raw
errors are unwrapped whatever their release's wrapper (`wordings.FORMATS`): the ≤1.6
`SchedulerPredicates failed due to %v, which is unexpected.` of each node, gathered in an apimachinery
aggregate `[e1, e2]`, the 1.7-1.16 `(repeated N times)`, the 1.16-1.20 filter/prefilter-plugin
wrappers. Pasted messages may come folded across lines, even inside a word: whitespace is collapsed,
the 1.4 per-node entries are read up to the next `fit failure on node (`, and a reason that equals a
known one but for whitespace is that one (`reasons._unfold`).

`classify_reason` maps ONE reason to its current upstream wording, the catalog code and the taint
or resource it names; `parse_failed_scheduling` parses a whole message (also the ≤1.9 legacy
shapes and Volcano's `nodes are unavailable` variant); `ranked_codes` orders its codes by how much
they explain when no Node objects are at hand. Nothing is "fixed": counts that sum above or below N
are kept as printed (see `ParsedMessage.count_delta`). `version_hint` is the set of minors whose
grammar (A1.2) and reason wording (A2.0) both fit, e.g. "1.18-1.23", "1.26-1.28", "1.24-1.25, >=1.29".

All regexes are anchored or use bounded, non-nested character classes, so a 100 KB message parses
in linear time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from podwhy.analyzers.scheduling.reasons import (
    ALL_MINORS,
    DRA_NO_STATE,
    DRA_POSTFILTER,
    GATED,
    LATEST,
    NO_NODES,
    NODE_AFFINITY,
    NODE_NAME,
    NOT_READY,
    OLDEST,
    POD_AFFINITY,
    PVC_NOT_FOUND,
    PVC_UNBOUND,
    SC_NOT_FOUND,
    TAINT,
    UNSCHEDULABLE,
    VOLUME_AFFINITY,
    ReasonInfo,
    classify_reason,
    clean_text,
    minor_span,
    pod_level_code,
    render_minors,
)


# ---- whole messages ----------------------------------------------------------------------
@dataclass(frozen=True)
class ParsedMessage:
    """One FailedScheduling message (event note or PodScheduled condition message), parsed."""

    total_nodes: int | None = None  # N of `0/N`
    histogram: dict[str, int] = field(default_factory=dict)  # reason as printed -> count
    prefilter: str | None = None  # uncounted pod-level rejection (≥1.26), or the one inside a raw error
    preemption: ParsedMessage | None = None  # nested `preemption: 0/N nodes are available: ...`
    preemption_text: str | None = None  # any other preemption tail (`not eligible due to ...`)
    postfilter: str | None = None  # other PostFilter reasons before it (DRA `no new claims to deallocate`)
    no_nodes: bool = False  # `no nodes available to schedule pods`
    raw: str | None = None  # messages without the 0/N histogram (raw errors)
    truncated: bool = False  # event note cut at 1024 bytes and ended with ` ...`
    partial: str | None = None  # the entry the truncation cut through (not in histogram)
    version_hint: str = "unknown"  # minors whose grammar and wording fit, e.g. "1.18-1.23", ">=1.29"
    grammar: str = ""  # histogram | prefilter | raw | no-nodes | legacy-per-node | legacy-summary | unparsed
    normalized: dict[str, int] = field(default_factory=dict)  # current upstream wording -> count
    codes: dict[str, int] = field(default_factory=dict)  # catalog code -> node count
    entries: tuple[tuple[int, ReasonInfo], ...] = ()  # every histogram entry, classified, as printed order
    combined: bool = False  # had the client-go `(combined from similar events): ` prefix
    repeated: int | None = None  # `(repeated N times)` of ≤1.16 aggregated raw errors
    errors: tuple[tuple[str, int], ...] = ()  # ≤1.16 `[e1, e2]` aggregate: each error (unwrapped), its node count
    per_node: dict[str, tuple[str, ...]] = field(default_factory=dict)  # 1.4-era `fit failure on node`
    double_period: bool = False  # 1.26-1.28 `..` after the preemption tail

    @property
    def counts_sum(self) -> int:
        return sum(self.histogram.values())

    @property
    def count_delta(self) -> int | None:
        """Sum of counts minus N: >0 when plugins gave several reasons per node, <0 when nodes were left out."""
        return None if self.total_nodes is None or not self.histogram else self.counts_sum - self.total_nodes

    @property
    def pod_rejection(self) -> str | None:
        """The whole-pod rejection, whatever the version printed it as (uncounted, counted or raw)."""
        if self.prefilter:
            return self.prefilter
        for _n, info in self.entries:
            if info.pod_level:
                return info.reason
        return None

    @property
    def unknown_reasons(self) -> dict[str, int]:
        return {info.reason: n for n, info in self.entries if not info.known}


_PREFIX_COMBINED = "(combined from similar events): "
# Volcano prints `0/N nodes are unavailable: 1 plugin <P> predicates failed <reason>, ...`.
_ANCHOR = re.compile(r"0/(\d+) nodes are (?:un)?available")
_SPLIT = re.compile(r", (?=\d+ )")
_ENTRY = re.compile(r"(\d+) (.+)")
_REPEATED = re.compile(r"(.*) \(repeated (\d+) times\)")
# <=1.6 generic_scheduler.go podFitsOnNode wrapped a predicate's error, one per node.
_PREDICATE_WRAP = re.compile(r"SchedulerPredicates failed due to (.+), which is unexpected\.?")
_PREDICATE_PREFIX = "SchedulerPredicates failed due to "
_PREDICATE_END = re.compile(r"which is unexpected\.?(?: \(repeated \d+ times\))?$")
_FILTER_WRAP = re.compile(r'(?:error while )?running "([^"]+)" filter plugin for pod "([^"]*)": (.*)')
# 1.16-1.18 framework/v1alpha1/framework.go, 1.19 framework/runtime/framework.go RunPreFilterPlugins.
_PREFILTER_WRAP = re.compile(r'(?:error while running "[^"]+" prefilter plugin for pod "[^"]*"|rejected by "[^"]+" '
                             r'at prefilter|prefilter plugin "[^"]+" failed for pod "[^"]*"): (.*)')
_SCHED_ERR = re.compile(r"running (PreFilter|Reserve|Permit|PreBind|Bind|PostFilter) plugin \"([^\"]+)\": (.*)")
_FILTER_ERR = re.compile(r'running "([^"]+)" filter plugin: (.*)')
# 1.9-1.17 scheduler.go: the volume binder's assume step failed (a SchedulerError).
_ASSUME_VOLUMES = re.compile(r"AssumePodVolumes failed: (.*)")
_LEGACY_FIT = re.compile(r"fit failure on node \(([^()\n]*)\): ([^\n]*)")
# The same, on a message whose lines were joined (a paste, a describe line): up to the next node's entry.
_LEGACY_FIT_FLAT = re.compile(r"fit failure on node \(([^()]*)\): (.*?)(?= ?fit failure on node \(|$)")
# When a whole-pod rejection stopped being an error of the scheduler (a raw or wrapped message) and
# became a status: VolumeBinding's unbound-claim check turned UnschedulableAndUnresolvable in 1.19.
# VolumeZone's own checks turned from framework.Error into UnschedulableAndUnresolvable in 1.22.
_ERROR_UNTIL = {"pod has unbound immediate PersistentVolumeClaims": 18, "pod has unbound PersistentVolumeClaims": 11,
                "PersistentVolumeClaim had no pv name and storageClass name": 21, "PersistentVolume had no name": 21}
_LEGACY_SUMMARY = re.compile(
    r"(?:.*?failed to fit in any node[ \n-]*)?fit failure summary on nodes ?: (.*)|"
    r"(?:.*?)No nodes are available that match all of the (?:following )?predicates:+ ?(.*)", re.DOTALL)
_LEGACY_ENTRY = re.compile(r"(.+?) ?\( ?(\d+) ?\)")
NO_NODES_TEXT = "no nodes available to schedule pods"
# Preemption tails that are not a histogram (defaultpreemption PostFilter / preemption.go).
_TAIL_TEXTS = ("not eligible due to preemptionPolicy=Never.",
               "not eligible due to a terminating pod on the nominated node.",
               "no candidate node for preemption")


# The PostFilter plugins' reasons follow the histogram (framework/types.go FitError.Error: " " +
# PostFilterMsg), joined with ", " (framework/runtime/framework.go RunPostFilterPlugins, v1.34.4):
# DynamicResources' Unschedulable reasons first (reasons.DRA_POSTFILTER), or its error alone
# (reasons.DRA_NO_STATE: `...: persistentvolumeclaim "x" not found. not found`).
_DRA_ALT = "|".join(re.escape(t) for t in DRA_POSTFILTER)
_POSTFILTER_BEFORE_PREEMPTION = re.compile(rf"\. ((?:{_DRA_ALT})(?:, (?:{_DRA_ALT}))*),$")
_POSTFILTER_ERROR = re.compile(rf"\. ({re.escape(DRA_NO_STATE)})$")


def _split_postfilter(main: str, before_preemption: bool) -> tuple[str, str | None]:
    m = (_POSTFILTER_BEFORE_PREEMPTION if before_preemption else _POSTFILTER_ERROR).search(main)
    if m is None:
        return main, None
    return main[:m.start() + 1], m.group(1)


def _strip_periods(s: str) -> tuple[str, int]:
    s = s.rstrip()
    n = 0
    while n < 2 and s.endswith("."):
        s = s[:-1].rstrip()
        n += 1
    return s, n


def parse_failed_scheduling(message: str) -> ParsedMessage:
    """Parse any scheduler version's FailedScheduling text. Never raises."""
    text = message.strip()
    combined = False
    if text.startswith(_PREFIX_COMBINED):
        text, combined = text[len(_PREFIX_COMBINED):].lstrip(), True
    truncated = text.endswith(" ...")
    if truncated:
        text = text[:-4]
    if _LEGACY_FIT.search(text) and "0/" not in text[:40]:
        return _parse_legacy_per_node(text, combined, truncated)
    flat = clean_text(text)
    m = _ANCHOR.search(flat)
    if m is None:
        return _parse_without_histogram(text, flat, combined, truncated)
    prefix = flat[:m.start()].rstrip()
    body = flat[m.end():]
    if prefix.endswith("preemption:"):
        # The head `0/N nodes are available:` was cut off (a pasted excerpt): what precedes the
        # preemption tail is the main message, N unknown.
        head = prefix[:-len("preemption:")].strip()
        return _parse_histogram_form(None, ": " + head + " preemption: " + flat[m.start():], combined,
                                     truncated, nested=False)
    if prefix.endswith("(") and body.endswith(")"):
        body = body[:-1]  # a tool quoted the message in parentheses
    parsed = _parse_histogram_form(int(m.group(1)), body, combined, truncated, nested=False)
    if "unavailable" in m.group(0):
        parsed = replace(parsed, version_hint="volcano")
    return parsed


def _parse_histogram_form(total: int | None, body: str, combined: bool, truncated: bool, *, nested: bool) -> ParsedMessage:
    body = body[1:].lstrip() if body.startswith(":") else body.lstrip(". ")
    main, sep, tail = body.partition(" preemption: ") if not nested else (body, "", "")
    if not sep and main.startswith("preemption: "):
        main, sep, tail = "", " ", main[len("preemption: "):]
    postfilter: str | None = None
    if not nested:
        main, postfilter = _split_postfilter(main, bool(sep))
    cut_main = truncated and not sep
    main, _ = _strip_periods(main)
    histogram: dict[str, int] = {}
    entries: list[tuple[int, ReasonInfo]] = []
    prefilter: str | None = None
    partial: str | None = None
    if main:
        pieces = _SPLIT.split(main)
        if _ENTRY.fullmatch(pieces[0]) is None:
            prefilter = main  # ≥1.26: PreFilter message printed without a count
        else:
            if cut_main:
                partial = pieces.pop()
            for piece in pieces:
                em = _ENTRY.fullmatch(piece)
                if em is None:  # cannot happen after the split; keep the text rather than lose it
                    partial = piece if partial is None else partial
                    continue
                n, reason = int(em.group(1)), em.group(2)
                histogram[reason] = histogram.get(reason, 0) + n
                entries.append((n, classify_reason(reason)))
    preemption: ParsedMessage | None = None
    preemption_text: str | None = None
    double = False
    tail_minors = ALL_MINORS
    if sep:
        t = tail.strip()
        double = t.endswith("..") and not truncated
        if _ANCHOR.match(t):
            am = _ANCHOR.match(t)
            assert am is not None
            preemption = _parse_histogram_form(int(am.group(1)), t[am.end():], False, truncated, nested=True)
            if truncated:  # the cut removed the ending that tells 1.26-1.28 from the others
                tail_minors = minor_span(24, LATEST)
            else:
                tail_minors = minor_span(26, 28) if double else minor_span(24, 25) | minor_span(29, LATEST)
        else:
            bare, _ = _strip_periods(t)
            preemption_text = next((k for k in _TAIL_TEXTS if k.rstrip(".") == bare), None)
            if preemption_text is None:
                preemption_text = t[:-1] if double else t
            elif not double and t.endswith(".") and not preemption_text.endswith("."):
                double = True  # `no candidate node for preemption.` only ends in a period in 1.26-1.28
            if double:
                tail_minors = minor_span(26, 28)
            elif not truncated and preemption_text.endswith("."):
                tail_minors = minor_span(24, 25) | minor_span(29, LATEST)
            else:
                tail_minors = minor_span(24, LATEST)
    normalized, codes = _normalize(entries)
    if prefilter is not None:
        info = classify_reason(prefilter)
        code = info.code if info.known else pod_level_code(prefilter)
        if code:
            every = total if total is not None else (preemption.total_nodes if preemption is not None else None)
            codes[code] = codes.get(code, 0) + (every or 1)
    if total == 0 and not histogram and prefilter is None:
        codes[NO_NODES] = 0
    # Version evidence: grammar first, then the wording of each reason while it keeps a non-empty set.
    minors = minor_span(9, LATEST)  # the `0/N nodes are available` form appeared in 1.9
    if prefilter is not None:
        minors &= minor_span(26, LATEST)
    if sep:
        minors &= tail_minors
    if prefilter is None and any(info.pod_level for _n, info in entries):
        # a PreFilter rejection counted on every node (1.19-1.25); else a plugin's per-node reason that
        # reads like one (VolumeZone's checks, UnschedulableAndUnresolvable on each node 1.22-1.26)
        minors = (minors & minor_span(19, 25)) or minors
    vocab = [info for _n, info in entries if info.known]
    if preemption is not None:
        vocab.extend(info for _n, info in preemption.entries if info.known)
    if prefilter is not None and classify_reason(prefilter).known:
        vocab.append(classify_reason(prefilter))
    for info in vocab:
        narrowed = minors & minor_span(info.first_minor, info.last_minor)
        if narrowed:
            minors = narrowed
    return ParsedMessage(
        total_nodes=total, histogram=histogram, prefilter=prefilter, preemption=preemption,
        preemption_text=preemption_text, postfilter=postfilter, truncated=truncated, partial=partial,
        version_hint=render_minors(minors), grammar="prefilter" if prefilter is not None else "histogram",
        normalized=normalized, codes=codes, entries=tuple(entries), combined=combined, double_period=double,
    )


def _normalize(entries: list[tuple[int, ReasonInfo]]) -> tuple[dict[str, int], dict[str, int]]:
    # ≤1.21 InterPodAffinity printed a generic reason next to the specific one for the same node:
    # drop the generic one when a specific InterPodAffinity reason is there to carry the count.
    has_specific = any(i.plugin == "InterPodAffinity" and not i.generic and i.known for _n, i in entries)
    normalized: dict[str, int] = {}
    codes: dict[str, int] = {}
    for n, info in entries:
        if info.generic and has_specific:
            continue
        normalized[info.normalized] = normalized.get(info.normalized, 0) + n
        if info.code and not info.excluded:
            codes[info.code] = codes.get(info.code, 0) + n
    return normalized, codes


def _parse_without_histogram(text: str, flat: str, combined: bool, truncated: bool) -> ParsedMessage:
    if flat.rstrip(".") == NO_NODES_TEXT:
        return ParsedMessage(no_nodes=True, codes={NO_NODES: 0}, grammar="no-nodes", combined=combined,
                             truncated=truncated, version_hint="any")
    lm = _LEGACY_SUMMARY.fullmatch(flat)
    if lm is not None:
        return _parse_legacy_summary(lm.group(1) if lm.group(1) is not None else lm.group(2), flat,
                                     combined, truncated)
    parts = _aggregate(flat)
    if parts is not None:
        return _parse_aggregate(flat, parts, combined, truncated)
    item = _raw_error(flat)
    sm = _SCHED_ERR.fullmatch(flat)
    code = item.code
    if sm is not None and sm.group(1) == "PreBind" and sm.group(2) == "VolumeBinding" and code is None:
        code = PVC_UNBOUND  # binding/provisioning the claims failed or timed out
    codes = {code: item.repeated or 1} if code else {}
    grammar = "raw" if flat else "unparsed"
    return ParsedMessage(raw=flat, prefilter=item.prefilter, codes=codes, repeated=item.repeated, combined=combined,
                         truncated=truncated, grammar=grammar, version_hint=render_minors(item.minors))


@dataclass(frozen=True)
class _RawError:
    inner: str  # the error once every wrapper is removed
    repeated: int | None  # `(repeated N times)`
    minors: frozenset[int]
    code: str | None
    prefilter: str | None  # the inner text when it is a known whole-pod rejection


def _raw_error(flat: str) -> _RawError:
    """One scheduler error as printed: the wrappers of each release peeled off, the inner text classified."""
    repeated: int | None = None
    inner = flat
    minors = ALL_MINORS
    wrapped = False
    if rm := _REPEATED.fullmatch(inner):
        # ≤1.16: apimachinery errors.CreateAggregateFromMessageCountMap over the nodes that errored.
        # (Upstream from 1.7; ≤1.6 listed every node's error instead, see _aggregate.)
        inner, repeated = rm.group(1), int(rm.group(2))
        minors = minor_span(OLDEST, 16)
    if pm := _PREDICATE_WRAP.fullmatch(inner):
        # ≤1.6 generic_scheduler.go podFitsOnNode: `SchedulerPredicates failed due to %v, which is unexpected.`
        inner, wrapped = pm.group(1), True
        minors = minor_span(OLDEST, 6)
    elif am := _ASSUME_VOLUMES.fullmatch(inner):
        inner, wrapped = am.group(1), True
        minors = minor_span(9, 17)
    if fm := _FILTER_WRAP.fullmatch(inner):
        # 1.17 `error while running %q filter plugin for pod %q: %v`, 1.18-1.20 without "error while".
        inner, wrapped = fm.group(3), True
        minors = minor_span(17, 17) if fm.group(0).startswith("error while") else minor_span(18, 20)
    elif pf := _PREFILTER_WRAP.fullmatch(inner):
        inner, wrapped = pf.group(1), True
        # 1.16-1.18 `error while running %q prefilter plugin for pod %q: %v` / `rejected by %q at prefilter:
        # %v`, 1.19 `prefilter plugin %q failed for pod %q: %v`.
        minors = minor_span(19, 19) if pf.group(0).startswith("prefilter plugin") else minor_span(16, 18)
    elif sm := _SCHED_ERR.fullmatch(inner):
        # Upstream from 1.20 (framework/runtime/framework.go `running %s plugin %q: %w`); kept from 1.19.
        inner, wrapped = sm.group(3), True
        minors = minor_span(19, LATEST)
    elif fe := _FILTER_ERR.fullmatch(inner):
        inner, wrapped = fe.group(2), True
        minors = minor_span(21, LATEST)
    inner, _ = _strip_periods(inner)
    info = classify_reason(inner)
    code = info.code if info.known else pod_level_code(inner)
    prefilter = inner if info.known and info.pod_level else None
    if info.known:
        minors = (minors & minor_span(info.first_minor, info.last_minor)) or minors
    if prefilter is not None and not wrapped:
        # Raw PVC errors without a wrapper are the ≤1.19 podPassesBasicChecks / volume binder texts.
        minors = (minors & minor_span(OLDEST, 19)) or minors
    until = _ERROR_UNTIL.get(info.normalized) if info.known else None
    if until is not None:
        minors = (minors & minor_span(OLDEST, until)) or minors
    if code is None and _ASSUME_VOLUMES.fullmatch(flat):
        code = PVC_UNBOUND  # the claims could not be assumed bound on the chosen node
    return _RawError(inner, repeated, minors, code, prefilter)


def _aggregate(flat: str) -> list[str] | None:
    """The errors of an apimachinery aggregate `[e1, e2, ...]` (≤1.16, several nodes erred), else None.

    The errors themselves may hold ", " (`..., which is unexpected.`): a piece joins the next ones
    until a `SchedulerPredicates failed due to` wrapper is closed (each piece is tested once: linear)."""
    if not (flat.startswith("[") and flat.endswith("]")) or ", " not in flat:
        return None
    out: list[str] = []
    acc: list[str] = []
    for piece in flat[1:-1].split(", "):
        acc.append(piece)
        if acc[0].startswith(_PREDICATE_PREFIX) and _PREDICATE_END.search(piece) is None:
            continue
        out.append(", ".join(acc))
        acc = []
    if acc:
        out.append(", ".join(acc))
    return out if len(out) > 1 else None


def _parse_aggregate(flat: str, parts: list[str], combined: bool, truncated: bool) -> ParsedMessage:
    items = [_raw_error(p) for p in parts]
    codes: dict[str, int] = {}
    minors = minor_span(OLDEST, 6) if any(p.startswith(_PREDICATE_PREFIX) for p in parts) else minor_span(7, 16)
    for it in items:
        if it.code:
            codes[it.code] = codes.get(it.code, 0) + (it.repeated or 1)
        minors = (minors & it.minors) or minors
    prefilter = next((it.prefilter for it in items if it.prefilter is not None), None)
    errors = tuple((it.inner, it.repeated or 1) for it in items)
    return ParsedMessage(raw=flat, prefilter=prefilter, codes=codes, errors=errors, combined=combined,
                         truncated=truncated, grammar="raw", version_hint=render_minors(minors))


def _parse_legacy_summary(body: str, flat: str, combined: bool, truncated: bool) -> ParsedMessage:
    # 1.5-1.6 `fit failure summary on nodes : R (n), ...`; 1.6-1.8
    # `No nodes are available that match all of the (following )predicates:: R (n), ...`.
    body, _ = _strip_periods(body)
    histogram: dict[str, int] = {}
    entries: list[tuple[int, ReasonInfo]] = []
    for piece in body.split(", "):
        em = _LEGACY_ENTRY.fullmatch(piece.strip())
        if em is None:
            continue
        n, reason = int(em.group(2)), em.group(1)
        histogram[reason] = histogram.get(reason, 0) + n
        entries.append((n, classify_reason(reason)))
    normalized, codes = _normalize(entries)
    minors = minor_span(5, 6) if "fit failure summary" in flat else minor_span(6, 8)
    return ParsedMessage(histogram=histogram, normalized=normalized, codes=codes, entries=tuple(entries),
                         grammar="legacy-summary", version_hint=render_minors(minors), combined=combined,
                         truncated=truncated)


def _parse_legacy_per_node(text: str, combined: bool, truncated: bool) -> ParsedMessage:
    # ≤1.5: `pod (x) failed to fit in any node` then one `fit failure on node (n): reasons` line per node
    # (1.4 joins a node's reasons with ", "). Lines may come folded (a reason continued on the next line)
    # or joined into one: each node's entry runs to the next `fit failure on node (`.
    per_node: dict[str, tuple[str, ...]] = {}
    for fm in _LEGACY_FIT_FLAT.finditer(clean_text(text)):
        reasons = tuple(r.strip() for r in fm.group(2).strip().rstrip(".").split(", ") if r.strip())
        per_node[fm.group(1)] = reasons
    counts: dict[str, int] = {}
    for reasons in per_node.values():
        for r in dict.fromkeys(reasons):
            counts[r] = counts.get(r, 0) + 1
    entries = [(n, classify_reason(r)) for r, n in counts.items()]
    normalized, codes = _normalize(entries)
    return ParsedMessage(total_nodes=len(per_node) or None, histogram=counts, normalized=normalized,
                         codes=codes, entries=tuple(entries), per_node=per_node, grammar="legacy-per-node",
                         version_hint=render_minors(minor_span(OLDEST, 5)), combined=combined, truncated=truncated)


# ---- which code explains the message best -------------------------------------------------
# Reasons that say "the pod does not want / cannot share this node" rather than why it cannot run:
# its own nodeSelector/affinity and nodeName (UnschedulableAndUnresolvable by design), and host-port
# clashes, which on most nodes mean the same workload already holds the port there (DaemonSets,
# one-per-node Deployments). The cause worth fixing is on the nodes that remain.
_TARGETING = frozenset({
    "node(s) didn't match Pod's node affinity/selector", "node(s) didn't match the requested node name",
    "node(s) didn't have free ports for the requested pod ports",
})
# Control-plane nodes are not meant for workloads: their taint is rarely the thing to change.
_NOISE_TAINTS = frozenset({"node-role.kubernetes.io/master", "node-role.kubernetes.io/control-plane"})
# Codes whose reasons are UnschedulableAndUnresolvable (A2.0 "UU"): preemption cannot fix them, so on a
# tie they explain more than resource shortages do.
_HARD = frozenset({UNSCHEDULABLE, NODE_NAME, TAINT, NOT_READY, NODE_AFFINITY, POD_AFFINITY, VOLUME_AFFINITY,
                   PVC_UNBOUND, PVC_NOT_FOUND, SC_NOT_FOUND, GATED, NO_NODES})


def ranked_codes(parsed: ParsedMessage) -> list[tuple[str, int]]:
    """Catalog codes of a parsed message, most explanatory first, with their node counts.

    Order: a whole-pod rejection; then codes from reasons on nodes the pod targets (not its own
    selector/nodeName/host-port exclusions, not control-plane taints) by node count, unresolvable
    first on a tie; then the selector/nodeName/host-port codes; then control-plane taints.
    A heuristic for messages read without the cluster's nodes; a recomputation knows better.
    """
    if parsed.no_nodes:
        return [(NO_NODES, 0)]
    first: list[tuple[str, int]] = []
    rejection = parsed.pod_rejection
    if rejection is not None:
        code = classify_reason(rejection).code or pod_level_code(rejection)
        if code:
            first.append((code, parsed.codes.get(code, 0)))
    if not parsed.entries and parsed.codes and not first:
        return sorted(parsed.codes.items(), key=lambda kv: (-kv[1], kv[0]))
    real: dict[str, int] = {}
    targeting: dict[str, int] = {}
    noise: dict[str, int] = {}
    has_specific = any(i.plugin == "InterPodAffinity" and not i.generic and i.known for _n, i in parsed.entries)
    for n, info in parsed.entries:
        if info.code is None or info.excluded or (info.generic and has_specific) or info.pod_level:
            continue
        if info.normalized in _TARGETING:
            bucket = targeting
        elif info.taint_key in _NOISE_TAINTS:
            bucket = noise
        else:
            bucket = real
        bucket[info.code] = bucket.get(info.code, 0) + n
    ranked = list(first)
    for d in (real, targeting, noise):
        done = {c for c, _n in ranked}
        ranked += sorted(((c, n) for c, n in d.items() if c not in done),
                         key=lambda kv: (-kv[1], kv[0] not in _HARD, kv[0]))
    return ranked
