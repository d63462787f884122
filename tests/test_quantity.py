"""quantity.py against resource.Quantity semantics (k8s.io/apimachinery/pkg/api/resource)."""

from fractions import Fraction

import pytest

from podwhy.errors import QuantityError
from podwhy.quantity import format_bytes, format_cpu, format_resource, milli, parse, value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("100m", Fraction(1, 10), id="millicores"),
        pytest.param("1.5Gi", Fraction(3 * 2**29), id="fractional-binary-suffix-is-exact"),
        pytest.param("1e3", Fraction(1000), id="exponent"),
        pytest.param("500M", Fraction(500_000_000), id="decimal-mega"),
        pytest.param("128974848", Fraction(128974848), id="plain-bytes"),
        pytest.param("129e6", Fraction(129_000_000), id="exponent-bytes"),
        pytest.param("123Mi", Fraction(123 * 2**20), id="mebibytes"),
        pytest.param("0.1", Fraction(1, 10), id="decimal-fraction"),
        pytest.param(2, Fraction(2), id="bare-yaml-int"),
        pytest.param(0.5, Fraction(1, 2), id="bare-yaml-float-taken-as-written"),
        pytest.param("+1k", Fraction(1000), id="explicit-sign"),
        pytest.param("-1", Fraction(-1), id="negative"),
        pytest.param(".5", Fraction(1, 2), id="leading-dot"),
        pytest.param("1n", Fraction(1, 10**9), id="nano"),
    ],
)
def test_parse_is_exact(text: str | int | float, expected: Fraction) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "1Gb", "1.2.3", "Mi", "1 Gi", "--1", "1e", "0x10"],
                         ids=lambda t: f"rejects-{t!r}")
def test_parse_rejects_invalid(text: str) -> None:
    with pytest.raises(QuantityError):
        parse(text)


def test_sums_are_exact_without_floats() -> None:
    assert milli(parse("0.1") + parse("0.2")) == 300


@pytest.mark.parametrize(
    ("q", "m", "v"),
    [
        pytest.param("1", 1000, 1, id="one-cpu"),
        pytest.param("1.0001", 1001, 2, id="milli-and-value-round-up"),
        pytest.param("1n", 1, 1, id="nano-rounds-up-to-one-milli"),
        pytest.param("2Gi", 2 * 2**30 * 1000, 2 * 2**30, id="bytes"),
    ],
)
def test_milli_and_value_round_up_like_the_scheduler(q: str, m: int, v: int) -> None:
    assert milli(q) == m
    assert value(q) == v


@pytest.mark.parametrize(
    ("name", "amount", "text"),
    [
        pytest.param("cpu", 1500, "1500m", id="cpu-millis"),
        pytest.param("cpu", 2000, "2", id="cpu-whole"),
        pytest.param("memory", 8 * 2**30, "8Gi", id="memory-exact"),
        pytest.param("memory", int(6.2 * 2**30), "6.2Gi", id="memory-one-decimal"),
        pytest.param("memory", 512, "512", id="memory-small"),
        pytest.param("nvidia.com/gpu", 2, "2", id="extended-count"),
        pytest.param("hugepages-2Mi", 2**21, "2Mi", id="hugepages-bytes"),
    ],
)
def test_format_resource(name: str, amount: int, text: str) -> None:
    assert format_resource(name, amount) == text


def test_format_helpers() -> None:
    assert format_cpu(250) == "250m"
    assert format_bytes(-(2**20)) == "-1Mi"
