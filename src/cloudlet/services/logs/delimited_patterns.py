"""Space-delimited filter patterns: [ip, user, ..., status = 4*, bytes > 1000] (pure)."""

from __future__ import annotations

import re
from collections.abc import Callable

from cloudlet.services.logs.pattern_values import FilterPatternError, Value, compare, quoted, regex

Matcher = Callable[[str], bool]

_CONDITION = re.compile(r"^\s*([A-Za-z_][\w-]*)\s*(!=|<=|>=|=|<|>)\s*(.+?)\s*$")
Slot = Callable[[str], bool] | None  # None: `...`, any number of fields


def delimited_matcher(body: str) -> Matcher:
    slots = [_slot(part) for part in _split_top(body, ",")]

    def matches(message: str) -> bool:
        return _match_slots(slots, _fields(message))

    return matches


def _split_top(text: str, separator: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    in_quotes = False
    for char in text:
        if char == '"':
            in_quotes = not in_quotes
        if char == separator and not in_quotes:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _slot(text: str) -> Slot:
    text = text.strip()
    if text == "...":
        return None
    if not text:
        raise FilterPatternError("empty field")
    alternatives = [[_condition(c) for c in a.split("&&")] for a in text.split("||")]
    return lambda field: any(all(test(field) for test in tests) for tests in alternatives)


def _condition(text: str) -> Callable[[str], bool]:
    match = _CONDITION.match(text)
    if match is None:
        if re.fullmatch(r"\s*[A-Za-z_][\w-]*\s*", text):
            return lambda field: True
        raise FilterPatternError(f"invalid field condition {text}")
    _, op, raw = match.groups()
    if raw.startswith('"') and raw.endswith('"') and len(raw) > 1:
        value = Value(quoted(raw, 0)[0], quoted=True)
    elif len(raw) > 1 and raw.startswith("%") and raw.endswith("%"):
        value = Value(raw, regex=regex(raw[1:-1]))
    else:
        value = Value(raw)
    return lambda field: compare(field, op, value)


def _fields(message: str) -> list[str]:
    """Whitespace-separated fields; "quoted" and [bracketed] runs count as one field."""
    fields: list[str] = []
    i, n = 0, len(message)
    while i < n:
        if message[i].isspace():
            i += 1
            continue
        closer = {'"': '"', "[": "]"}.get(message[i])
        if closer is not None:
            end = message.find(closer, i + 1)
            if end != -1:
                fields.append(message[i + 1 : end])
                i = end + 1
                continue
        start = i
        while i < n and not message[i].isspace():
            i += 1
        fields.append(message[start:i])
    return fields


def _match_slots(slots: list[Slot], fields: list[str]) -> bool:
    if not slots:
        return not fields
    head = slots[0]
    if head is None:
        return any(_match_slots(slots[1:], fields[skip:]) for skip in range(len(fields) + 1))
    return bool(fields) and head(fields[0]) and _match_slots(slots[1:], fields[1:])
