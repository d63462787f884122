"""Exact Kubernetes resource.Quantity arithmetic (k8s.io/apimachinery/pkg/api/resource/quantity.go).

Quantities are parsed into `Fraction`s so that `0.1 + 0.2` CPUs is exactly 300m and `1.5Gi` is an
exact byte count; no floats anywhere. The scheduler compares CPU in millicores and everything else
in integer base units, each rounded UP (Quantity.MilliValue / Quantity.Value), which
`milli()` and `value()` reproduce.
"""

import re
from fractions import Fraction
from functools import lru_cache

from podwhy.errors import QuantityError

_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL = {
    "n": Fraction(1, 10**9),
    "u": Fraction(1, 10**6),
    "m": Fraction(1, 10**3),
    "": Fraction(1),
    "k": Fraction(10**3),
    "M": Fraction(10**6),
    "G": Fraction(10**9),
    "T": Fraction(10**12),
    "P": Fraction(10**15),
    "E": Fraction(10**18),
}
# <signedNumber><suffix>; the exponent form is 'e'/'E' followed by a signed integer.
_RE = re.compile(r"^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])|[eE]([+-]?\d{1,4}))?$")


# Plain integers and integers with a common suffix: the overwhelming majority of real quantities
# ("2", "500m", "128Mi"), parsed without the regular expression.
_FAST_SUFFIX: dict[str, Fraction] = {
    "m": Fraction(1, 10**3), "k": Fraction(10**3), "M": Fraction(10**6), "G": Fraction(10**9),
    "Ki": Fraction(2**10), "Mi": Fraction(2**20), "Gi": Fraction(2**30), "Ti": Fraction(2**40)}


# A cluster repeats a handful of distinct quantity strings across 100,000s of pods: memoise (typed,
# so that True is never served the cached result of 1).
@lru_cache(maxsize=8192, typed=True)
def parse(q: str | int | float) -> Fraction:
    """Parse a quantity string (or a bare YAML number) exactly. Raises QuantityError."""
    if type(q) is str and q.isascii():
        if q.isdigit():
            return Fraction(int(q))
        for n in (2, 1):
            digits, suffix = q[:-n], q[-n:]
            if digits.isdigit() and suffix in _FAST_SUFFIX:
                return int(digits) * _FAST_SUFFIX[suffix]
    if isinstance(q, bool):
        raise QuantityError(f"quantity {q!r} is a boolean")
    if isinstance(q, int):
        return Fraction(q)
    if isinstance(q, float):
        # YAML `cpu: 0.5`: take the shortest decimal repr, which is what the user wrote.
        q = repr(q)
    s = q.strip()
    m = _RE.match(s)
    if m is None:
        raise QuantityError(f"quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$': {q!r}")
    sign, num, suffix, exp = m.groups()
    value = Fraction(num)
    if exp is not None:
        value *= Fraction(10) ** int(exp)
    elif suffix:
        value *= _BINARY[suffix] if suffix in _BINARY else _DECIMAL[suffix]
    return -value if sign == "-" else value


def try_parse(q: str | int | float | None) -> Fraction | None:
    if q is None:
        return None
    try:
        return parse(q)
    except QuantityError:
        return None


def _ceil(f: Fraction) -> int:
    return -((-f.numerator) // f.denominator)


def milli(q: str | int | float | Fraction) -> int:
    """Quantity.MilliValue(): value * 1000 rounded up."""
    f = q if isinstance(q, Fraction) else parse(q)
    return _ceil(f * 1000)


def value(q: str | int | float | Fraction) -> int:
    """Quantity.Value(): rounded up to an integer."""
    f = q if isinstance(q, Fraction) else parse(q)
    return _ceil(f)


def format_cpu(millicores: int | Fraction) -> str:
    """1500 -> '1500m'; 2000 -> '2'."""
    m = Fraction(millicores)
    if m.denominator == 1 and m.numerator % 1000 == 0:
        return str(m.numerator // 1000)
    if m.denominator == 1:
        return f"{m.numerator}m"
    return f"{float(m):.3f}m"


def format_bytes(n: int | Fraction) -> str:
    """Exact binary suffix when it divides, else one decimal ('6.2Gi'); small values as plain bytes."""
    v = Fraction(n)
    neg = v < 0
    v = abs(v)
    out = str(v.numerator) if v.denominator == 1 else f"{float(v):.0f}"
    for suffix, mult in (("Ei", 2**60), ("Pi", 2**50), ("Ti", 2**40), ("Gi", 2**30), ("Mi", 2**20), ("Ki", 2**10)):
        if v >= mult:
            scaled = v / mult
            if scaled.denominator == 1:
                out = f"{scaled.numerator}{suffix}"
            else:
                out = f"{float(scaled):.1f}{suffix}"
            break
    return ("-" if neg else "") + out


@lru_cache(maxsize=65536, typed=True)
def format_resource(name: str, amount: int | Fraction) -> str:
    """Format an amount in the scheduler's units for that resource: millicores for cpu, bytes for
    memory/storage/hugepages, plain counts otherwise. Memoised: every per-node verdict prints a few
    amounts, and a cluster has few distinct ones (Fraction arithmetic is slow)."""
    if name == "cpu":
        return format_cpu(amount)
    if name in ("memory", "ephemeral-storage", "storage") or name.startswith("hugepages-") or name.endswith(".memory"):
        return format_bytes(amount)
    a = Fraction(amount)
    return str(a.numerator) if a.denominator == 1 else f"{float(a):g}"


@lru_cache(maxsize=8192, typed=True)
def scheduler_units(name: str, q: str | int | float | Fraction) -> int:
    """The integer the scheduler compares: millicores for cpu, base units (rounded up) otherwise."""
    return milli(q) if name == "cpu" else value(q)
