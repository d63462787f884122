"""Property tests of the parsers that read text written by anyone who can create a pod.

Image references, pull-error messages, FailedScheduling messages and pull-secret keys: never an
unhandled exception, never a hang (regexes are bounded: 100 KB of adversarial text returns), and the
same input always gives the same answer.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from podwhy.analyzers.imagepull.classify import classify
from podwhy.analyzers.imagepull.pullsecrets import matching_keys
from podwhy.analyzers.imagepull.reference import (
    ReferenceError,
    _check,
    _fast_normalized,
    parse,
    parse_normalized,
    suggest_correction,
    try_parse,
)
from podwhy.analyzers.scheduling.message import parse_failed_scheduling
from podwhy.catalog import CODES
from podwhy.model import DockerConfigEntry

REF_ALPHABET = st.sampled_from([*list("abcXYZ019._-/:@ +"), "sha256:", "docker.io", "localhost:5000", "[::1]"])
REFS = st.lists(REF_ALPHABET, max_size=40).map("".join) | st.text(max_size=60)
PULL_WORDS = st.sampled_from([
    "Failed to pull image", '"x"', "rpc error: code = NotFound desc = ", "not found", "manifest unknown",
    "401 Unauthorized", "pull access denied", "no such host", "lookup r.io on 10.0.0.10:53", "i/o timeout",
    "x509: certificate signed by unknown authority", "429 Too Many Requests", "toomanyrequests",
    "no match for platform in manifest", "no space left on device", "Back-off pulling image", ": ", "\n",
    "ErrImagePull", "server gave HTTP response to HTTPS client", "500 Internal Server Error", "pull QPS exceeded",
])
MESSAGES = st.lists(PULL_WORDS, max_size=25).map(" ".join) | st.text(max_size=200)
SCHED_WORDS = st.sampled_from([
    "0/5 nodes are available:", " 3 Insufficient memory", ",", " 2 node(s) had untolerated taint {a: b}", ".",
    " preemption:", " 0/5 nodes are available:", " 5 Preemption is not helpful for scheduling", "..", " ...",
    "(combined from similar events): ", 'persistentvolumeclaim "x" not found', " (repeated 3 times)", "{", "}",
])
SCHED = st.lists(SCHED_WORDS, max_size=30).map("".join) | st.text(max_size=200)


@given(REFS)
def test_reference_parsing_is_total(s: str) -> None:
    for fn in (parse, parse_normalized):
        try:
            fn(s)
        except ReferenceError as exc:
            assert exc.args  # an explained error, never another exception
    assert try_parse(s) == try_parse(s)
    fast = _fast_normalized(s)
    if fast is not None:  # the regular-expression fast path never disagrees with the scanner
        assert fast == _check(s, normalise=True)
    fixed = suggest_correction(s)
    assert fixed is None or isinstance(fixed, str)


@given(MESSAGES)
def test_classifier_is_total_and_deterministic(text: str) -> None:
    a, b = classify(text), classify(text)
    assert a.code == b.code and a.rule == b.rule
    assert a.code in CODES


@given(SCHED)
def test_failed_scheduling_parser_is_total_and_deterministic(text: str) -> None:
    assert parse_failed_scheduling(text) == parse_failed_scheduling(text)


@given(REFS, st.lists(st.text(max_size=40), max_size=5))
def test_pull_secret_key_matching_is_total(image: str, keys: list[str]) -> None:
    entries = [DockerConfigEntry(key=k, has_credentials=True) for k in keys]
    matching_keys(image, entries)


HUGE = [
    pytest.param("Failed to pull image " + '"' * 50_000, id="quotes"),
    pytest.param("a" * 100_000 + ": not found", id="long-word-then-not-found"),
    pytest.param("lookup " + "a." * 50_000 + " on 1.2.3.4:53: i/o timeout", id="long-host"),
    pytest.param(("rpc error: code = Unknown desc = " * 3000)[:100_000], id="repeated-prefix"),
    pytest.param("x509: " + " " * 100_000 + "unknown", id="spaces"),
]


@pytest.mark.parametrize("text", HUGE)
def test_100kb_adversarial_messages_return(text: str) -> None:
    assert classify(text).code in CODES
    parse_failed_scheduling("0/3 nodes are available: " + text)
    try_parse(text[:2000])
