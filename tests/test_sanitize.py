from __future__ import annotations

import pytest

from chiptui.corpus.sanitize import clean_line, clean_text, has_control_chars, safe_url


def test_clean_text_removes_every_control_class_but_newline_and_tab() -> None:
    hostile = "a\x1b[31mred\x07\x00b\x7fc\x9b2Jd\u202eevil\u2066e\tf\ng\r"
    cleaned = clean_text(hostile)
    assert cleaned == "a[31mred" + "bc2Jdevile\tf\ng"
    assert not has_control_chars(cleaned)


def test_clean_line_folds_white_space() -> None:
    assert clean_line("  Two\n lines\tand\u2028more  ") == "Two lines and more"


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/a",
        "http://example.com",
        "HTTPS://EXAMPLE.COM/x?y=1&z=2#f",
    ],
)
def test_safe_url_accepts_http_and_https(url: str) -> None:
    assert safe_url(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "file:///etc/passwd",
        "-https://example.com",
        "--help",
        "data:text/html,<b>x</b>",
        "https://",
        "example.com/no-scheme",
        "https://exa\x1bmple.com",
        "ftp://example.com/file",
        "",
        None,
    ],
)
def test_safe_url_refuses_everything_else(url: str | None) -> None:
    assert safe_url(url) is None


def test_safe_url_encodes_spaces_seen_in_real_cards() -> None:
    assert safe_url("https://apnews.com/Wired Release/20e8") == "https://apnews.com/Wired%20Release/20e8"
