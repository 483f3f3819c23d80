"""CloudWatch Logs filter patterns (pure): parse once, then match messages.

The syntax is AWS's "Filter pattern syntax for metric filters, subscription filters, filter log
events and Live Tail":
  - ""                         every event
  - ERROR "exact phrase"       every term (case-sensitive substring), AND
  - ERROR -Exiting             ... and none of the excluded terms
  - ?ERROR ?WARN               any group: each `?` starts a group the following plain terms join
                               (CDK's anyTermGroup renders `?"ERROR" "MainThread" ?"WARN" ...`)
  - %regex%                    a regular expression, anywhere in the message
  - { $.level = "ERROR" && ($.latency > 100 || $.retry IS TRUE) }   JSON events
  - [ip, user, ..., status = 4*, bytes > 1000]                       space-delimited events

Terms are parsed here; JSON patterns in json_patterns.py, space-delimited ones in
delimited_patterns.py, and what those two share in pattern_values.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cloudlet.services.logs.delimited_patterns import delimited_matcher
from cloudlet.services.logs.json_patterns import JsonParser, json_matcher
from cloudlet.services.logs.pattern_values import FilterPatternError, quoted, regex

__all__ = ["FilterPatternError", "Matcher", "compile_pattern"]

Matcher = Callable[[str], bool]


def compile_pattern(text: str | None) -> Matcher:
    pattern = (text or "").strip()
    if not pattern:
        return lambda message: True
    if pattern.startswith("{"):
        if not pattern.endswith("}"):
            raise FilterPatternError("unbalanced braces")
        return json_matcher(JsonParser(pattern[1:-1]).parse())
    if pattern.startswith("["):
        if not pattern.endswith("]"):
            raise FilterPatternError("unbalanced brackets")
        return delimited_matcher(pattern[1:-1])
    if len(pattern) > 1 and pattern.startswith("%") and pattern.endswith("%"):
        compiled = regex(pattern[1:-1])
        return lambda message: compiled.search(message) is not None
    return _terms_matcher(pattern)


# -- terms ------------------------------------------------------------------------------------


@dataclass
class _Group:
    include: list[str]
    exclude: list[str]

    def matches(self, message: str) -> bool:
        return all(t in message for t in self.include) and not any(t in message for t in self.exclude)


def _term_tokens(pattern: str) -> list[tuple[str, str]]:
    """(prefix, term) pairs; prefix is "", "-" or "?"."""
    tokens: list[tuple[str, str]] = []
    i, n = 0, len(pattern)
    while i < n:
        if pattern[i].isspace():
            i += 1
            continue
        prefix = ""
        if pattern[i] in "-?" and i + 1 < n and not pattern[i + 1].isspace():
            prefix = pattern[i]
            i += 1
        if pattern[i] == '"':
            term, i = quoted(pattern, i)
        else:
            start = i
            while i < n and not pattern[i].isspace():
                i += 1
            term = pattern[start:i]
        tokens.append((prefix, term))
    return tokens


def _terms_matcher(pattern: str) -> Matcher:
    leading = _Group([], [])
    optional: list[_Group] = []
    for prefix, term in _term_tokens(pattern):
        if prefix == "?":
            optional.append(_Group([term], []))
            continue
        group = optional[-1] if optional else leading
        (group.exclude if prefix == "-" else group.include).append(term)

    def matches(message: str) -> bool:
        if not leading.matches(message):
            return False
        return not optional or any(group.matches(message) for group in optional)

    return matches
