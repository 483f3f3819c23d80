"""Versions, labels, selectors and history."""

from __future__ import annotations

from typing import Any

from ssm_support import fails


def test_history_and_version_selectors(ssm: Any) -> None:
    for i in range(3):
        ssm.put_parameter(Name="/v", Value=f"v{i + 1}", Type="String", Overwrite=True)
    history = ssm.get_parameter_history(Name="/v")["Parameters"]
    assert [(h["Version"], h["Value"]) for h in history] == [(1, "v1"), (2, "v2"), (3, "v3")]
    assert all(h["Labels"] == [] and h["Tier"] == "Standard" for h in history)
    got = ssm.get_parameter(Name="/v:2")["Parameter"]
    assert (got["Value"], got["Version"], got["Selector"]) == ("v2", 2, ":2")
    code, message = fails(ssm.get_parameter, Name="/v:7")
    assert code == "ParameterVersionNotFound" and "version 7 of /v" in message
    assert fails(ssm.get_parameter_history, Name="/none")[0] == "ParameterNotFound"
    page = ssm.get_parameter_history(Name="/v", MaxResults=2)
    assert len(page["Parameters"]) == 2 and "NextToken" in page


def test_labels(ssm: Any) -> None:
    ssm.put_parameter(Name="/l", Value="one", Type="String")
    ssm.put_parameter(Name="/l", Value="two", Type="String", Overwrite=True)
    out = ssm.label_parameter_version(Name="/l", ParameterVersion=1, Labels=["prod", "aws-x", "1st", "ok"])
    assert out["ParameterVersion"] == 1 and sorted(out["InvalidLabels"]) == ["1st", "aws-x"]
    assert ssm.get_parameter(Name="/l:prod")["Parameter"]["Value"] == "one"
    # Labelling another version moves the label; without a version the latest is labelled.
    assert ssm.label_parameter_version(Name="/l", Labels=["prod"])["ParameterVersion"] == 2
    history = ssm.get_parameter_history(Name="/l")["Parameters"]
    assert [h["Labels"] for h in history] == [["ok"], ["prod"]]
    assert ssm.get_parameters(Names=["/l:prod"])["Parameters"][0]["Value"] == "two"
    assert fails(ssm.get_parameter, Name="/l:nolabel")[0] == "ParameterVersionNotFound"
    assert fails(ssm.label_parameter_version, Name="/l", ParameterVersion=9, Labels=["x"])[0] == (
        "ParameterVersionNotFound"
    )
    assert fails(ssm.label_parameter_version, Name="/nope", Labels=["x"])[0] == "ParameterNotFound"
    removed = ssm.unlabel_parameter_version(Name="/l", ParameterVersion=1, Labels=["ok", "zzz"])
    assert removed["RemovedLabels"] == ["ok"] and removed["InvalidLabels"] == ["zzz"]


def test_label_limit(ssm: Any) -> None:
    ssm.put_parameter(Name="/lim", Value="v", Type="String")
    ssm.label_parameter_version(Name="/lim", Labels=[f"l{i}" for i in range(10)])
    code, _ = fails(ssm.label_parameter_version, Name="/lim", Labels=["eleventh"])
    assert code == "ParameterVersionLabelLimitExceeded"


def test_version_limit_drops_the_oldest(ssm: Any) -> None:
    for i in range(101):
        ssm.put_parameter(Name="/many", Value=str(i), Type="String", Overwrite=True)
    history = []
    kwargs: dict[str, Any] = {"Name": "/many"}
    while True:
        out = ssm.get_parameter_history(**kwargs)
        history += out["Parameters"]
        if "NextToken" not in out:
            break
        kwargs["NextToken"] = out["NextToken"]
    assert len(history) == 100 and history[0]["Version"] == 2
    ssm.label_parameter_version(Name="/many", ParameterVersion=2, Labels=["keep"])
    assert fails(ssm.put_parameter, Name="/many", Value="x", Overwrite=True)[0] == (
        "ParameterMaxVersionLimitExceeded"
    )
