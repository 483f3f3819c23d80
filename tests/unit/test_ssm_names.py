"""Parameter names, selectors, labels and paths (pure)."""

from __future__ import annotations

import pytest

from cloudlet.errors import ServiceError
from cloudlet.services.ssm import names


@pytest.mark.parametrize("name", ["/a", "a", "/a/b.c-d_e", "/" + "/".join(["x"] * 15)])
def test_valid_names(name: str) -> None:
    assert names.check_name(name) == name


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("", "ValidationException"),
        ("a/b", "ValidationException"),
        ("/AWS/x", "ValidationException"),
        ("/ssmx", "ValidationException"),
        ("/a b", "ValidationException"),
        ("/a/", "ValidationException"),
        ("/" + "/".join(["x"] * 16), "HierarchyLevelLimitExceededException"),
        ("/" + "x" * 1011, "ValidationException"),
    ],
)
def test_invalid_names(name: str, code: str) -> None:
    with pytest.raises(ServiceError) as exc:
        names.check_name(name)
    assert exc.value.code == code


def test_selectors_and_arns() -> None:
    assert names.split_selector("/a/b") == ("/a/b", None)
    assert names.split_selector("/a/b:3") == ("/a/b", "3")
    assert names.split_selector("/a/b:prod") == ("/a/b", "prod")
    arn = "arn:aws:ssm:us-east-1:000000000000:parameter/a/b"
    assert names.split_selector(arn) == ("/a/b", None)
    assert names.split_selector(arn + ":2") == ("/a/b", "2")
    assert names.split_selector("arn:aws:ssm:us-east-1:000000000000:parameter/plain") == ("plain", None)
    assert names.parameter_arn("r", "1", "/a/b") == "arn:aws:ssm:r:1:parameter/a/b"
    assert names.parameter_arn("r", "1", "plain") == "arn:aws:ssm:r:1:parameter/plain"


@pytest.mark.parametrize(
    ("label", "valid"),
    [("prod", True), ("a.b-c_d", True), ("1st", False), ("aws-x", False), ("SSM", False), ("a b", False)],
)
def test_labels(label: str, valid: bool) -> None:
    assert names.label_is_valid(label) is valid


def test_paths() -> None:
    assert names.parent_path("/a/b") == "/a"
    assert names.parent_path("/a") == "/" and names.parent_path("a") == "/"
    assert names.under_path("/a/b", "/a", False) and names.under_path("/a/b", "/a/", False)
    assert not names.under_path("/a/b/c", "/a", False)
    assert names.under_path("/a/b/c", "/a", True) and not names.under_path("/ab", "/a", True)
    assert names.under_path("top", "/", False)
