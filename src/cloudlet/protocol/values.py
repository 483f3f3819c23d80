"""Helpers shared by the protocols: timestamps, blobs, special floats, request bodies, error shapes,
recursive structures."""

from __future__ import annotations

import base64
import calendar
import gzip
import math
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from functools import cache
from typing import Any

from botocore.model import ServiceModel, StructureShape

from cloudlet.errors import ServiceError
from cloudlet.protocol.http import HttpRequest


def parse_timestamp(value: str | int | float) -> datetime:
    """Any of AWS's timestamp wire forms (epoch seconds, ISO 8601, RFC 822) -> aware UTC datetime."""
    try:
        if isinstance(value, int | float):
            return datetime.fromtimestamp(value, UTC)
        text = value.strip()
        try:
            return datetime.fromtimestamp(float(text), UTC)
        except ValueError:
            pass
        if text[:1].isdigit():
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        else:
            parsed = parsedate_to_datetime(text)
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except (ValueError, TypeError, OverflowError) as exc:
        raise ServiceError("SerializationException", f"Invalid timestamp: {value!r}") from exc


def as_datetime(value: datetime | int | float | str) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return parse_timestamp(value)


def format_timestamp(value: datetime | int | float | str, fmt: str) -> str | int | float:
    """fmt is the model's timestampFormat: iso8601, rfc822 or unixTimestamp."""
    moment = as_datetime(value)
    if fmt == "unixTimestamp":
        seconds = calendar.timegm(moment.timetuple()) + moment.microsecond / 1_000_000
        return int(seconds) if seconds == int(seconds) else round(seconds, 3)
    if fmt == "rfc822":
        return format_datetime(moment, usegmt=True)
    if moment.microsecond:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def b64encode(value: bytes | str) -> str:
    data = value.encode("utf-8") if isinstance(value, str) else value
    return base64.b64encode(data).decode("ascii")


def b64decode(value: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except ValueError as exc:
        raise ServiceError("SerializationException", "Invalid base64 value") from exc


def float_to_wire(value: float | int | str) -> float | int | str:
    """NaN and the infinities travel as the strings "NaN", "Infinity", "-Infinity" (JSON has none)."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    return value


def float_from_wire(value: float | int | str) -> float | int:
    if isinstance(value, str):
        return float(value)  # "NaN", "Infinity", "-Infinity" as well as "1.5"; ValueError otherwise
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(value)
    return value


def request_body(request: HttpRequest) -> bytes:
    """The body, gunzipped when the SDK compressed it (operations with the requestcompression trait)."""
    body = request.body
    encoding = request.headers.get("content-encoding")
    # The SDK appends gzip after any encoding the caller set ("custom, gzip"): undo the last one.
    if body and encoding and encoding.rsplit(",", 1)[-1].strip().lower() == "gzip":
        try:
            return gzip.decompress(body)
        except (OSError, EOFError) as exc:
            raise ServiceError("SerializationException", "Invalid gzip request body") from exc
    return body


def error_shape(service: ServiceModel, code: str) -> StructureShape | None:
    """The model's error shape named `code` (a ServiceError's code), if any."""
    return _error_shapes(service).get(code)


@cache
def _error_shapes(service: ServiceModel) -> dict[str, StructureShape]:
    return {shape.name: shape for shape in service.error_shapes}


Converter = Callable[[Any], Any]


def compile_structure(memo: dict[str, Converter], name: str, build: Callable[[], Converter]) -> Converter:
    """The converter `build` makes for the structure shape `name`, built once per `memo`.
    Recursive shapes (DynamoDB's AttributeValue) meet themselves while building: they get a
    forward reference to the converter being built."""
    if name in memo:
        return memo[name]
    built: list[Converter] = []
    memo[name] = lambda value: built[0](value)
    convert = build()
    built.append(convert)
    memo[name] = convert
    return convert
