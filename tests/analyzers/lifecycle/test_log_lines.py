"""Which lines of a container's log a finding quotes (analyzers/lifecycle/logs.py): the error-looking ones, never
all of it, never a line holding a Secret's value or looking like a credential, control characters escaped."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from podwhy.analyzers.lifecycle.logs import WITHHELD, error_lines
from podwhy.model.logs import tail
from podwhy.secretvalues import value_digests


@dataclass(frozen=True)
class Case:
    id: str
    log: str
    quoted: list[str]
    secret: bytes = b""


CASES = [
    Case("go-panic", "starting\npanic: runtime error: invalid memory address or nil pointer dereference\n"
                     "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4a1f2b]\n\ngoroutine 1 [running]:\n",
         ["panic: runtime error: invalid memory address or nil pointer dereference"]),
    Case("python-traceback-header-and-exception",
         "INFO boot\nTraceback (most recent call last):\n  File \"/app/main.py\", line 3, in <module>\n"
         "    import psycopg2\nModuleNotFoundError: No module named 'psycopg2'\n",
         ["Traceback (most recent call last):", "ModuleNotFoundError: No module named 'psycopg2'"]),
    Case("java-exception-and-cause",
         "Exception in thread \"main\" java.lang.IllegalStateException: config missing\n"
         "\tat com.acme.Main.main(Main.java:12)\nCaused by: java.io.FileNotFoundException: /etc/app.yaml\n",
         ["Exception in thread \"main\" java.lang.IllegalStateException: config missing",
          "Caused by: java.io.FileNotFoundException: /etc/app.yaml"]),
    Case("structured-logger-levels", '{"level":"info","msg":"up"}\n{"level":"fatal","msg":"listen tcp :80: bind: '
                                     'permission denied"}\n',
         ['{"level":"fatal","msg":"listen tcp :80: bind: permission denied"}']),
    Case("nothing-error-like-gives-the-last-line", "starting\nready\nshutting down\n", ["shutting down"]),
    Case("a-credential-assignment-is-withheld", "ERROR connect failed password=hunter2hunter2\nError: exit\n",
         [WITHHELD, "Error: exit"]),
    Case("a-url-with-userinfo-is-withheld", "FATAL cannot reach postgres://app:Zq81xx@db:5432/app\n", [WITHHELD]),
    Case("a-secret-value-is-withheld-wherever-it-appears",
         "ERROR auth failed for token s3cr3t-Value-42 on retry\nError: giving up\n",
         [WITHHELD, "Error: giving up"], secret=b"s3cr3t-Value-42"),
    Case("escape-and-bidi-characters-are-shown-escaped", "Error: \x1b[31mred\x1b[0m \u202eevil\n",
         ["Error: \\x1b[31mred\\x1b[0m \\u202eevil"]),
    Case("kubelet-text-about-a-gone-log-is-not-the-apps",
         "unable to retrieve container logs for containerd://0123abcd\n", []),
    Case("at-most-six-lines-newest-kept", "".join(f"ERROR {i}\n" for i in range(10)),
         [f"ERROR {i}" for i in range(4, 10)]),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_quoted_lines(case: Case) -> None:
    digests = value_digests(case.secret) if case.secret else frozenset()
    assert error_lines(tail(case.log, previous=True, source="test"), digests) == case.quoted


def test_a_long_line_is_cut() -> None:
    [line] = error_lines(tail("Error: " + "x" * 5000, previous=True, source="test"), frozenset())
    assert (len(line), line.endswith("…")) == (301, True)
