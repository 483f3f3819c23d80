"""Schedule groups: CRUD, the default group, tags, errors."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from scheduler_support import OFF, error, target


def test_default_group_exists(scheduler: Any) -> None:
    group = scheduler.get_schedule_group(Name="default")
    assert group["Name"] == "default"
    assert group["Arn"] == "arn:aws:scheduler:us-east-1:000000000000:schedule-group/default"
    assert group["State"] == "ACTIVE"
    names = [g["Name"] for g in scheduler.list_schedule_groups()["ScheduleGroups"]]
    assert names == ["default"]


def test_create_get_list_delete_group(scheduler: Any) -> None:
    arn = scheduler.create_schedule_group(Name="jobs", Tags=[{"Key": "team", "Value": "a"}])[
        "ScheduleGroupArn"
    ]
    assert arn == "arn:aws:scheduler:us-east-1:000000000000:schedule-group/jobs"
    group = scheduler.get_schedule_group(Name="jobs")
    assert group["Arn"] == arn and group["State"] == "ACTIVE"
    assert group["CreationDate"] and group["LastModificationDate"]
    listed = scheduler.list_schedule_groups(NamePrefix="jo")["ScheduleGroups"]
    assert [g["Name"] for g in listed] == ["jobs"]
    assert scheduler.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "a"}]
    scheduler.delete_schedule_group(Name="jobs")
    with pytest.raises(ClientError) as exc:
        scheduler.get_schedule_group(Name="jobs")
    assert error(exc) == ("ResourceNotFoundException", "Schedule group jobs does not exist.", 404)


def test_duplicate_group_conflicts(scheduler: Any) -> None:
    scheduler.create_schedule_group(Name="jobs")
    with pytest.raises(ClientError) as exc:
        scheduler.create_schedule_group(Name="jobs")
    assert error(exc) == ("ConflictException", "Schedule group jobs already exists.", 409)
    with pytest.raises(ClientError) as exc:
        scheduler.create_schedule_group(Name="default")
    assert error(exc)[0] == "ConflictException"


def test_client_token_makes_create_idempotent(scheduler: Any) -> None:
    first = scheduler.create_schedule_group(Name="jobs", ClientToken="tok-1")
    again = scheduler.create_schedule_group(Name="jobs", ClientToken="tok-1")
    assert first["ScheduleGroupArn"] == again["ScheduleGroupArn"]


def test_group_name_pattern(scheduler: Any) -> None:
    with pytest.raises(ClientError) as exc:
        scheduler.create_schedule_group(Name="bad/name")
    code, message, status = error(exc)
    assert (code, status) == ("ValidationException", 400)
    assert "failed to satisfy constraint" in message


def test_delete_missing_and_default_group(scheduler: Any) -> None:
    with pytest.raises(ClientError) as exc:
        scheduler.delete_schedule_group(Name="nope")
    assert error(exc)[0] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as exc:
        scheduler.delete_schedule_group(Name="default")
    assert error(exc)[0] == "ValidationException"


def test_deleting_a_group_deletes_its_schedules(scheduler: Any, make_queue: Any) -> None:
    _, queue = make_queue("q")
    scheduler.create_schedule_group(Name="jobs")
    scheduler.create_schedule(
        Name="s",
        GroupName="jobs",
        ScheduleExpression="rate(1 hour)",
        FlexibleTimeWindow=OFF,
        Target=target(queue),
    )
    scheduler.delete_schedule_group(Name="jobs")
    assert scheduler.list_schedules()["Schedules"] == []


def test_tags(scheduler: Any) -> None:
    arn = scheduler.create_schedule_group(Name="jobs")["ScheduleGroupArn"]
    scheduler.tag_resource(ResourceArn=arn, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    scheduler.tag_resource(ResourceArn=arn, Tags=[{"Key": "a", "Value": "3"}])
    assert scheduler.list_tags_for_resource(ResourceArn=arn)["Tags"] == [
        {"Key": "a", "Value": "3"},
        {"Key": "b", "Value": "2"},
    ]
    scheduler.untag_resource(ResourceArn=arn, TagKeys=["a"])
    assert scheduler.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "b", "Value": "2"}]
    missing = arn.replace("jobs", "nope")
    with pytest.raises(ClientError) as exc:
        scheduler.list_tags_for_resource(ResourceArn=missing)
    assert error(exc) == ("ResourceNotFoundException", "Schedule group nope does not exist.", 404)


def test_list_groups_pages(scheduler: Any) -> None:
    for n in range(5):
        scheduler.create_schedule_group(Name=f"g{n}")
    seen: list[str] = []
    token: dict[str, str] = {}
    while True:
        page = scheduler.list_schedule_groups(MaxResults=2, **token)
        seen += [g["Name"] for g in page["ScheduleGroups"]]
        if "NextToken" not in page:
            break
        token = {"NextToken": page["NextToken"]}
    assert seen == ["default", "g0", "g1", "g2", "g3", "g4"]
