"""Terminal safety: cluster text can never style, move or rename the user's terminal."""

import pytest

from podwhy.render.sanitize import clean


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("plain text", "plain text", id="plain-text-untouched"),
        pytest.param("\x1b[31mred\x1b[0m", "red", id="sgr-colour-removed"),
        pytest.param("a\x1b]0;pwned\x07b", "ab", id="osc-window-title-removed"),
        pytest.param("a\x1b]8;;http://evil/\x1b\\link\x1b]8;;\x1b\\b", "alinkb", id="osc8-hyperlink-removed"),
        pytest.param("x\x1b[2J\x1b[Hy", "xy", id="clear-screen-removed"),
        pytest.param("a\x9b31mb", "ab", id="8bit-csi-removed"),
        pytest.param("bell\x07", "bell\\x07", id="bell-made-visible"),
        pytest.param("cr\roverwrite", "cr\\x0doverwrite", id="carriage-return-visible"),
        pytest.param("two\nlines", "two⏎lines", id="newline-folded-on-one-line"),
        pytest.param("rtl\u202eevil", "rtl\\u202eevil", id="bidi-override-visible"),
        pytest.param("\x1bP1$qm\x1b\\z", "z", id="dcs-removed"),
        pytest.param("a\u061cb\u200ec\u200fd", "a\\u061cb\\u200ec\\u200fd", id="bidi-marks-visible"),
        pytest.param("web\u200b-1", "web\\u200b-1", id="zero-width-space-visible"),
        pytest.param("\ufeffname\u2060x\u2064", "\\ufeffname\\u2060x\\u2064", id="bom-and-invisible-operators-visible"),
    ],
)
def test_clean(raw: str, expected: str) -> None:
    assert clean(raw) == expected


def test_multiline_keeps_newlines_but_not_escapes() -> None:
    assert clean("a\n\x1b[1mb", multiline=True) == "a\nb"


def test_unterminated_osc_cannot_swallow_unbounded_text() -> None:
    out = clean("\x1b]" + "x" * 10000 + "tail")
    assert out.endswith("tail")
