"""CloudWatch Logs filter patterns, against the examples of AWS's filter pattern syntax page."""

from __future__ import annotations

import json

import pytest

from cloudlet.services.logs.filter_patterns import FilterPatternError, compile_pattern

LINES = [
    "[ERROR 400] BAD REQUEST",
    "[ERROR 401] UNAUTHORIZED REQUEST",
    "[WARN 419] EXPIRED SESSION",
    "[SUCCESS 200] AUTHORIZED REQUEST",
    "Exiting with ERROR",
]


def matching(pattern: str, lines: list[str] = LINES) -> list[str]:
    matches = compile_pattern(pattern)
    return [line for line in lines if matches(line)]


@pytest.mark.parametrize("pattern", ["", "   ", None])
def test_empty_pattern_matches_everything(pattern: str | None) -> None:
    matches = compile_pattern(pattern)
    assert all(matches(line) for line in LINES)


def test_terms_are_anded_and_case_sensitive() -> None:
    assert matching("ERROR") == [LINES[0], LINES[1], LINES[4]]
    assert matching("ERROR REQUEST") == LINES[:2]
    assert matching("error") == []


def test_quoted_phrase_is_one_term() -> None:
    assert matching('"BAD REQUEST"') == [LINES[0]]
    assert matching('"REQUEST BAD"') == []
    assert matching('"say \\"hi\\""', ['they say "hi"', "say hi"]) == ['they say "hi"']


def test_exclusions() -> None:
    assert matching("ERROR -Exiting") == LINES[:2]
    assert matching('-"BAD REQUEST"') == LINES[1:]


def test_optional_terms_match_any() -> None:
    assert matching("?WARN ?SUCCESS") == [LINES[2], LINES[3]]
    assert matching("?400 ?419 -WARN") == [LINES[0]]


def test_optional_groups_as_cdk_renders_them() -> None:
    # logs.FilterPattern.anyTermGroup(["ERROR", "400"], ["WARN", "SESSION"])
    assert matching('?"ERROR" "400" ?"WARN" "SESSION"') == [LINES[0], LINES[2]]


def test_leading_terms_apply_with_optional_ones() -> None:
    assert matching("REQUEST ?400 ?200") == [LINES[0], LINES[3]]


def test_regex_pattern() -> None:
    assert matching("%AUTHORIZED%") == [LINES[1], LINES[3]]
    assert matching("%^\\[(ERROR|WARN) 4\\d\\d\\]%") == LINES[:3]


EVENTS = [
    {
        "level": "ERROR",
        "latency": 150,
        "user": {"id": 1, "email": "a@example.com"},
        "ok": False,
        "tags": ["x"],
    },
    {"level": "INFO", "latency": 50, "user": {"id": 2}, "ok": True, "note": None},
    {"level": "WARN", "latency": 100.5, "sourceIPAddress": "123.123.1.1", "ok": True},
]
JSON_LINES = [json.dumps(e) for e in EVENTS] + ["not json { $.level }"]


def levels(pattern: str) -> list[str]:
    return [json.loads(line)["level"] for line in matching(pattern, JSON_LINES)]


def test_json_string_equality() -> None:
    assert levels('{ $.level = "ERROR" }') == ["ERROR"]
    assert levels("{ $.level = ERROR }") == ["ERROR"]
    assert levels('{ $.level != "ERROR" }') == ["INFO", "WARN"]
    assert levels("{ $.level = *R* }") == ["ERROR", "WARN"]


def test_json_numeric_comparisons() -> None:
    assert levels("{ $.latency > 100 }") == ["ERROR", "WARN"]
    assert levels("{ $.latency >= 150 }") == ["ERROR"]
    assert levels("{ $.latency < 100.5 }") == ["INFO"]
    assert levels("{ $.latency <= 100.5 }") == ["INFO", "WARN"]
    assert levels("{ $.latency = 50 }") == ["INFO"]


def test_json_boolean_logic_and_parentheses() -> None:
    assert levels('{ $.level = "ERROR" && $.latency > 100 }') == ["ERROR"]
    assert levels('{ $.level = "INFO" || $.latency > 100 }') == ["ERROR", "INFO", "WARN"]
    assert levels('{ ($.level = "INFO" || $.level = "WARN") && $.latency > 60 }') == ["WARN"]


def test_json_nested_fields_arrays_and_keywords() -> None:
    assert levels("{ $.user.id = 2 }") == ["INFO"]
    assert levels('{ $.user.email = "a@example.com" }') == ["ERROR"]
    assert levels('{ $.tags[0] = "x" }') == ["ERROR"]
    assert levels("{ $.ok IS TRUE }") == ["INFO", "WARN"]
    assert levels("{ $.ok IS FALSE }") == ["ERROR"]
    assert levels("{ $.note IS NULL }") == ["INFO"]
    assert levels("{ $.user NOT EXISTS }") == ["WARN"]
    assert levels("{ $.sourceIPAddress != 123.123.* }") == []
    assert levels("{ $.sourceIPAddress = 123.123.* }") == ["WARN"]


def test_json_regex_values() -> None:
    assert levels("{ $.level = %^(ERROR|WARN)$% }") == ["ERROR", "WARN"]


def test_space_delimited_patterns() -> None:
    lines = [
        '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 200 1534',
        '127.0.0.1 - frank [10/Oct/2000:13:35:22 -0700] "GET /apache_pb.gif HTTP/1.0" 500 5324',
        '127.0.0.1 - frank [10/Oct/2000:13:50:35 -0700] "GET /apache_pb.gif HTTP/1.0" 404 0',
    ]
    assert matching("[ip, user, username, timestamp, request, status_code = 4*, bytes]", lines) == [lines[2]]
    assert matching("[..., status_code = 500, bytes > 1000]", lines) == [lines[1]]
    assert matching("[ip, ..., bytes > 1000]", lines) == lines[:2]
    assert matching("[..., code = 200 || code = 404, bytes]", lines) == [lines[0], lines[2]]
    assert matching("[ip, user]", lines) == []


@pytest.mark.parametrize(
    "pattern",
    ['"unterminated', "{ $.level = }", "{ level = 1 }", "{ $.a = 1", "[a, , b]", "{ $.a IS MAYBE }", "%(%"],
)
def test_invalid_patterns_raise(pattern: str) -> None:
    with pytest.raises(FilterPatternError):
        compile_pattern(pattern)
