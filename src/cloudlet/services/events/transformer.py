"""What a rule's target receives: the event, Input, InputPath or InputTransformer. Pure.

    render_input(target, event, rule_arn, rule_name, ingestion_time) -> the text to deliver

Paths are the JSONPath subset EventBridge documents ("dot notation, dashes, underscores,
alphanumeric characters, array indices, wildcards", user guide "Amazon EventBridge input
transformation"): $, $.a.b, $.a[0], $.a.*, $['a-b'].

Templates (InputTransformer.InputTemplate, same page and the API reference's InputTransformer):
    - A template that is a JSON object (starts with "{") is a JSON template. A placeholder
      outside a string is replaced by the value as JSON (a string gets quotes); inside a
      string by the value's text, escaped for JSON.
    - Any other template is text: a placeholder is replaced by a string's raw text, or any
      other value's JSON; inside double quotes the text is escaped for JSON, so
      "\"<instance> is in state <state>\"" stays a valid JSON string.
    - A path that matches nothing gives null outside strings and nothing inside them or
      in a text template.
    - <aws.events.event> (the event without "detail", its "detail-type" as "detailType") and <aws.events.event.json> (the whole
      event) are inserted as JSON, unescaped ("can only be used as values for JSON fields,
      as its contents are not escaped"); <aws.events.rule-arn>, <aws.events.rule-name>,
      <aws.events.event.ingestion-time> are strings."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

__all__ = ["MISSING", "PathError", "compact", "parse_path", "read_path", "render_input", "render_template"]

RESERVED = (
    "aws.events.rule-arn",
    "aws.events.rule-name",
    "aws.events.event",
    "aws.events.event.json",
    "aws.events.event.ingestion-time",
)


class PathError(ValueError):
    pass


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()

Step = str | int | None  # key, index, or None for the wildcard

_STEP = re.compile(r"\.(\*|[A-Za-z0-9_\-/@:$]+)|\[(\*|[0-9]+)\]|\['([^']*)'\]|\[\"([^\"]*)\"\]")
_PLACEHOLDER = re.compile(r"<([A-Za-z0-9_.\-]+)>")


def compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def parse_path(path: str) -> list[Step]:
    """The steps of a JSONPath; raises PathError if EventBridge would not accept it."""
    if not path.startswith("$"):
        raise PathError(path)
    steps: list[Step] = []
    at = 1
    while at < len(path):
        match = _STEP.match(path, at)
        if match is None:
            raise PathError(path)
        key, index, quoted, dquoted = match.groups()
        if key is not None:
            steps.append(None if key == "*" else key)
        elif index is not None:
            steps.append(None if index == "*" else int(index))
        else:
            steps.append(quoted if quoted is not None else dquoted)
        at = match.end()
    return steps


def read_path(document: Any, path: str) -> Any:
    """The value at `path`, a list when it has wildcards, or MISSING."""
    steps = parse_path(path)
    wild = any(step is None for step in steps)
    values = [document]
    for step in steps:
        found: list[Any] = []
        for value in values:
            if step is None:
                if isinstance(value, Mapping):
                    found.extend(value.values())
                elif isinstance(value, list):
                    found.extend(value)
            elif isinstance(step, int):
                if isinstance(value, list) and step < len(value):
                    found.append(value[step])
            elif isinstance(value, Mapping) and step in value:
                found.append(value[step])
        values = found
    if wild:
        return values
    return values[0] if values else MISSING


def render_template(template: str, variables: Mapping[str, Any], raw: Mapping[str, str]) -> str:
    """Fill `template`'s placeholders; `raw` values are inserted verbatim (JSON text)."""
    json_template = template.lstrip().startswith("{")
    out: list[str] = []
    in_string = False
    at = 0
    while at < len(template):
        char = template[at]
        if char == "<":
            match = _PLACEHOLDER.match(template, at)
            if match is not None and (match.group(1) in variables or match.group(1) in raw):
                name = match.group(1)
                if name in raw:
                    out.append(raw[name])
                else:
                    out.append(_insert(variables[name], in_string, json_template))
                at = match.end()
                continue
        if char == "\\" and in_string and at + 1 < len(template):
            out.append(template[at : at + 2])
            at += 2
            continue
        if char == '"':
            in_string = not in_string
        out.append(char)
        at += 1
    return "".join(out)


def _insert(value: Any, in_string: bool, json_template: bool) -> str:
    if value is MISSING:
        return "null" if json_template and not in_string else ""
    if in_string:
        text = value if isinstance(value, str) else compact(value)
        return compact(text)[1:-1]
    if isinstance(value, str) and not json_template:
        return value
    return compact(value)


def render_input(
    target: Mapping[str, Any], event: Mapping[str, Any], rule_arn: str, rule_name: str, ingestion_time: str
) -> str:
    """The text a target receives for `event` (the full event as compact JSON by default)."""
    if "Input" in target and target["Input"] is not None:
        return str(target["Input"])
    if target.get("InputPath"):
        value = read_path(event, str(target["InputPath"]))
        return "null" if value is MISSING else compact(value)
    transformer = target.get("InputTransformer")
    if transformer:
        paths = transformer.get("InputPathsMap") or {}
        variables = {name: read_path(event, path) for name, path in paths.items()}
        variables["aws.events.rule-arn"] = rule_arn
        variables["aws.events.rule-name"] = rule_name
        variables["aws.events.event.ingestion-time"] = ingestion_time
        # <aws.events.event> names detail-type "detailType" (observed behaviour, as LocalStack's
        # AWS-validated snapshots of it show; the user guide doesn't say).
        without_detail = {
            "detailType" if k == "detail-type" else k: v for k, v in event.items() if k != "detail"
        }
        raw = {"aws.events.event": compact(without_detail), "aws.events.event.json": compact(event)}
        return render_template(str(transformer.get("InputTemplate", "")), variables, raw)
    return compact(event)
