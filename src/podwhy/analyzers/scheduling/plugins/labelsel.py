"""A label selector plus the requirements merged in from matchLabelKeys / mismatchLabelKeys.

Mirrors metav1.LabelSelectorAsSelector (nil -> Nothing, {} -> Everything) as used by
podtopologyspread/common.go and interpodaffinity (k8s.io/kube-scheduler framework AffinityTerm), v1.35.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from podwhy.analyzers.selectors import label_selector_matches
from podwhy.model import LabelSelector


@dataclass(frozen=True, slots=True)
class Selector:
    base: LabelSelector | None
    must_equal: tuple[tuple[str, str], ...] = ()
    must_differ: tuple[tuple[str, str], ...] = ()

    @property
    def empty(self) -> bool:
        """labels.Selector.Empty(): Everything (a `{}` selector with nothing merged in)."""
        return (self.base is not None and not self.base.match_labels and not self.base.match_expressions
                and not self.must_equal and not self.must_differ)

    def matches(self, labels: Mapping[str, str]) -> bool:
        for k, v in self.must_equal:
            if labels.get(k) != v:
                return False
        for k, v in self.must_differ:
            if labels.get(k) == v:
                return False
        if self.base is None:
            # Nothing, unless matchLabelKeys gave it requirements of its own.
            return bool(self.must_equal or self.must_differ)
        return label_selector_matches(self.base, labels)


def build(sel: LabelSelector | None, owner_labels: Mapping[str, str], match_keys: tuple[str, ...] = (),
          mismatch_keys: tuple[str, ...] = ()) -> Selector:
    eq = tuple((k, owner_labels[k]) for k in match_keys if k in owner_labels)
    ne = tuple((k, owner_labels[k]) for k in mismatch_keys if k in owner_labels)
    return Selector(sel, eq, ne)
