"""ParameterFilters: which keys and options each operation takes, and matching (pure)."""

from __future__ import annotations

from typing import Any

import pytest

from cloudlet.errors import ServiceError
from cloudlet.services.ssm import filters
from cloudlet.services.ssm.store import Version


def version(name: str = "/app/a", kind: str = "String", key_id: str | None = None) -> Version:
    return Version(name, 1, kind, "v", key_id, None, None, "Standard", "text", 0.0, "u")


def check(raw: list[dict[str, Any]], by_path: bool = False, tags: dict[str, str] | None = None) -> bool:
    return filters.matches(version(), tags or {}, filters.parse(raw, by_path), [])


def test_matching() -> None:
    assert check([{"Key": "Name", "Values": ["app/a"]}])  # with or without the leading slash
    assert check([{"Key": "Name", "Option": "Contains", "Values": ["pp/"]}])
    assert not check([{"Key": "Type", "Values": ["SecureString"]}])
    assert check([{"Key": "Path", "Values": ["/app"]}])
    assert check([{"Key": "tag:t"}], tags={"t": "1"})
    assert not check([{"Key": "tag:t", "Values": ["2"]}], tags={"t": "1"})
    assert check([{"Key": "Tier", "Option": "BeginsWith", "Values": ["Stan"]}])


@pytest.mark.parametrize(
    ("raw", "by_path", "code"),
    [
        ({"Key": "Label", "Values": ["x"]}, False, "InvalidFilterKey"),
        ({"Key": "Name", "Values": ["x"]}, True, "InvalidFilterKey"),
        ({"Key": "tag:x", "Values": ["x"]}, True, "InvalidFilterKey"),
        ({"Key": "Nope", "Values": ["x"]}, False, "InvalidFilterKey"),
        ({"Key": "Path", "Option": "Equals", "Values": ["/x"]}, False, "InvalidFilterOption"),
        ({"Key": "Type", "Option": "Contains", "Values": ["x"]}, False, "InvalidFilterOption"),
        ({"Key": "Type"}, False, "InvalidFilterValue"),
    ],
)
def test_rejected(raw: dict[str, Any], by_path: bool, code: str) -> None:
    with pytest.raises(ServiceError) as exc:
        filters.parse([raw], by_path)
    assert exc.value.code == code
