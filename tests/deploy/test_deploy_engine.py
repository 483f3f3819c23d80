"""The deploy engine on its own: test-only handlers that keep their "resources" in a dict,
an in-memory sink, no server. What each step did is read from the handlers' world and the
events the engine reported."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any, ClassVar

import pytest

from cloudlet.deploy.engine import ResourceState, StackEngine, StackInfo
from cloudlet.deploy.errors import ValidationError
from cloudlet.deploy.intrinsics import pseudo_parameters
from cloudlet.deploy.resources.base import Provisioned, Replace, ResourceContext, ResourceHandler
from cloudlet.deploy.stack_plan import Plan, make_plan
from cloudlet.deploy.template import Template, validate_template

WORLD: dict[str, dict[str, Any]] = {}
_IDS = itertools.count(1)


class Thing(ResourceHandler):
    """Test::Thing: Name is its id (replacement when it changes); Fail makes it fail."""

    type_name = "Test::Thing"
    replace_on: ClassVar[frozenset[str]] = frozenset({"Name"})

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        if properties.get("Fail"):
            raise RuntimeError(f"{ctx.logical_id} refused")
        name = str(properties.get("Name") or f"{ctx.stack_name}-{ctx.logical_id}-{next(_IDS)}")
        WORLD[name] = dict(properties)
        return Provisioned(name, {"Arn": f"arn:test:{name}"})

    async def update(
        self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any], old: dict[str, Any]
    ) -> Provisioned:
        if properties.get("Fail"):
            raise RuntimeError(f"{ctx.logical_id} refused the update")
        if properties.get("Rebuild") != old.get("Rebuild"):
            raise Replace()
        WORLD[physical_id] = dict(properties)
        return Provisioned(physical_id, {"Arn": f"arn:test:{physical_id}"})

    async def delete(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any]) -> None:
        WORLD.pop(physical_id, None)


class Custom(ResourceHandler):
    """A custom resource: a new Version gives a new physical id from update()."""

    type_name = "AWS::CloudFormation::CustomResource"

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        physical = f"custom-{properties.get('Version', '0')}"
        WORLD[physical] = dict(properties)
        return Provisioned(physical, {"Answer": "42"})

    async def update(
        self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any], old: dict[str, Any]
    ) -> Provisioned:
        return await self.create(ctx, properties)

    async def delete(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any]) -> None:
        WORLD.pop(physical_id, None)


HANDLERS: dict[str, ResourceHandler] = {
    "Test::Thing": Thing(),
    "AWS::CloudFormation::CustomResource": Custom(),
}


def lookup(type_name: str) -> ResourceHandler | None:
    if type_name.startswith("Custom::"):
        return HANDLERS["AWS::CloudFormation::CustomResource"]
    return HANDLERS.get(type_name)


class Sink:
    def __init__(self) -> None:
        self.events: list[tuple[str, str, str]] = []
        self.saved: dict[str, ResourceState] = {}
        self.status = ""

    def event(
        self,
        logical_id: str,
        resource_type: str,
        status: str,
        physical_id: str | None = None,
        reason: str = "",
        properties: dict[str, Any] | None = None,
    ) -> None:
        self.events.append((logical_id, status, reason))

    def save(self, resource: ResourceState) -> None:
        self.saved[resource.logical_id] = resource

    def forget(self, logical_id: str) -> None:
        self.saved.pop(logical_id, None)

    def stack_status(self, status: str, reason: str = "") -> None:
        self.status = status
        self.events.append(("stack", status, reason))


async def _no_calls(service: str, operation: str, params: dict[str, Any]) -> dict[str, Any]:
    raise AssertionError("test handlers make no calls")


def plan_of(resources: dict[str, Any], outputs: dict[str, Any] | None = None, **sections: Any) -> Plan:
    template = Template({"Resources": resources, "Outputs": outputs or {}, **sections})
    validate_template(template)
    pseudo = pseudo_parameters("000000000000", "us-east-1", "st", "arn:stack/st/1")
    return make_plan(template, {}, {}, pseudo, lookup)


def engine(sink: Sink, resources: dict[str, ResourceState] | None = None) -> StackEngine:
    info = StackInfo(
        "000000000000",
        "us-east-1",
        "st",
        "arn:stack/st/1",
        "http://x",
        pseudo_parameters("000000000000", "us-east-1", "st", "arn:stack/st/1"),
    )
    return StackEngine(info, _no_calls, sink, lookup, resources)


@pytest.fixture(autouse=True)
def _clean_world() -> None:
    WORLD.clear()


def test_create_resolves_references_and_stringifies_custom_properties() -> None:
    sink = Sink()
    plan = plan_of(
        {
            "A": {"Type": "Test::Thing", "Properties": {"Size": 3}},
            "C": {
                "Type": "Custom::Thing",
                "Properties": {
                    "ServiceToken": "arn",
                    "Count": 5,
                    "On": True,
                    "List": [1, {"X": False}],
                    "Of": {"Fn::GetAtt": ["A", "Arn"]},
                },
            },
        },
        {"Answer": {"Value": {"Fn::GetAtt": ["C", "Answer"]}}, "AName": {"Value": {"Ref": "A"}}},
    )
    outputs = asyncio.run(engine(sink).create(plan))
    assert sink.status == "CREATE_COMPLETE"
    assert outputs == [
        {"OutputKey": "Answer", "OutputValue": "42"},
        {"OutputKey": "AName", "OutputValue": "st-A-" + outputs[1]["OutputValue"].rsplit("-", 1)[1]},
    ]
    a_name = outputs[1]["OutputValue"]
    assert WORLD[a_name] == {"Size": 3}  # native handlers get the values as written
    assert WORLD["custom-0"] == {
        "ServiceToken": "arn",
        "Count": "5",
        "On": "true",
        "List": ["1", {"X": "false"}],
        "Of": f"arn:test:{a_name}",
    }


def test_failure_rolls_back_everything_created() -> None:
    sink = Sink()
    plan = plan_of(
        {
            "A": {"Type": "Test::Thing"},
            "B": {"Type": "Test::Thing", "Properties": {"Fail": True, "After": {"Ref": "A"}}},
        }
    )
    assert asyncio.run(engine(sink).create(plan)) is None
    assert sink.status == "ROLLBACK_COMPLETE"
    assert WORLD == {}
    assert ("B", "CREATE_FAILED", "B refused") in sink.events
    assert (
        "stack",
        "ROLLBACK_IN_PROGRESS",
        "The following resource(s) failed to create: [B]. Rollback requested by user.",
    ) in sink.events
    assert sink.saved == {}


def test_update_in_place_replace_remove_and_cleanup_order() -> None:
    sink = Sink()
    eng = engine(sink)
    first = plan_of(
        {
            "Keep": {"Type": "Test::Thing", "Properties": {"Name": "keep", "V": 1}},
            "Swap": {"Type": "Test::Thing", "Properties": {"Name": "swap1"}},
            "Rebuilt": {"Type": "Test::Thing", "Properties": {"Rebuild": "a"}},
            "Gone": {"Type": "Test::Thing", "Properties": {"Name": "gone"}},
            "Held": {"Type": "Test::Thing", "DeletionPolicy": "Retain", "Properties": {"Name": "held"}},
            "Custom": {"Type": "Custom::X", "Properties": {"ServiceToken": "t", "Version": 1}},
        }
    )
    asyncio.run(eng.create(first))
    rebuilt_before = eng.resources["Rebuilt"].physical_id
    second = plan_of(
        {
            "Keep": {"Type": "Test::Thing", "Properties": {"Name": "keep", "V": 2}},
            "Swap": {"Type": "Test::Thing", "Properties": {"Name": "swap2"}},
            "Rebuilt": {"Type": "Test::Thing", "Properties": {"Rebuild": "b"}},
            "Custom": {"Type": "Custom::X", "Properties": {"ServiceToken": "t", "Version": 2}},
        }
    )
    sink.events.clear()
    asyncio.run(eng.update(second))
    assert sink.status == "UPDATE_COMPLETE"
    assert WORLD["keep"] == {"Name": "keep", "V": 2}
    assert "swap1" not in WORLD and "swap2" in WORLD
    assert rebuilt_before not in WORLD and eng.resources["Rebuilt"].physical_id in WORLD
    assert "gone" not in WORLD and "held" in WORLD  # DeletionPolicy Retain
    assert "custom-1" not in WORLD and "custom-2" in WORLD  # a new physical id: old deleted
    statuses = [e[1] for e in sink.events if e[0] == "stack"]
    assert statuses == ["UPDATE_IN_PROGRESS", "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", "UPDATE_COMPLETE"]
    assert ("Held", "DELETE_SKIPPED", "") in sink.events
    assert set(sink.saved) == {"Keep", "Swap", "Rebuilt", "Custom"}


def test_failed_update_rolls_back_to_the_old_properties() -> None:
    sink = Sink()
    eng = engine(sink)
    asyncio.run(eng.create(plan_of({"A": {"Type": "Test::Thing", "Properties": {"Name": "a", "V": 1}}})))
    broken = plan_of(
        {
            "A": {"Type": "Test::Thing", "Properties": {"Name": "a", "V": 2}},
            "New": {"Type": "Test::Thing", "Properties": {"Name": "new"}},
            "Bad": {"Type": "Test::Thing", "Properties": {"Fail": True}, "DependsOn": ["A", "New"]},
        }
    )
    assert asyncio.run(eng.update(broken)) is None
    assert sink.status == "UPDATE_ROLLBACK_COMPLETE"
    assert WORLD == {"a": {"Name": "a", "V": 1}}
    assert set(eng.resources) == {"A"} and eng.resources["A"].properties == {"Name": "a", "V": 1}
    assert set(sink.saved) == {"A"}


def test_delete_goes_in_reverse_creation_order() -> None:
    sink = Sink()
    eng = engine(sink)
    plan = plan_of(
        {
            "First": {"Type": "Test::Thing", "Properties": {"Name": "first"}},
            "Second": {"Type": "Test::Thing", "Properties": {"Name": "second", "Of": {"Ref": "First"}}},
        }
    )
    asyncio.run(eng.create(plan))
    sink.events.clear()
    assert asyncio.run(eng.delete())
    deletes = [e[0] for e in sink.events if e[1] == "DELETE_COMPLETE" and e[0] != "stack"]
    assert deletes == ["Second", "First"]
    assert WORLD == {} and sink.status == "DELETE_COMPLETE"


def test_plan_errors() -> None:
    with pytest.raises(ValidationError, match=r"Unrecognized resource types: \[Test::Nope\]"):
        plan_of({"A": {"Type": "Test::Nope"}})
    with pytest.raises(ValidationError, match=r"Circular dependency between resources: \[A, B\]"):
        plan_of(
            {
                "A": {"Type": "Test::Thing", "Properties": {"X": {"Ref": "B"}}},
                "B": {"Type": "Test::Thing", "Properties": {"X": {"Fn::GetAtt": ["A", "Arn"]}}},
            }
        )
    skipped = plan_of(
        {"A": {"Type": "Test::Thing", "Condition": "No"}, "B": {"Type": "Test::Thing"}},
        Conditions={"No": {"Fn::Equals": ["a", "b"]}},
    )
    assert skipped.graph.order == ["B"]


def test_rollback_keeps_retained_resources_but_not_retain_except_on_create() -> None:
    sink = Sink()
    plan = plan_of(
        {
            "Kept": {"Type": "Test::Thing", "DeletionPolicy": "Retain", "Properties": {"Name": "kept"}},
            "Dropped": {
                "Type": "Test::Thing",
                "DeletionPolicy": "RetainExceptOnCreate",
                "Properties": {"Name": "dropped"},
            },
            "Bad": {"Type": "Test::Thing", "Properties": {"Fail": True}, "DependsOn": ["Kept", "Dropped"]},
        }
    )
    asyncio.run(engine(sink).create(plan))
    assert sink.status == "ROLLBACK_COMPLETE"
    assert set(WORLD) == {"kept"}
    assert ("Kept", "DELETE_SKIPPED", "") in sink.events


def test_service_errors_keep_their_message() -> None:
    from cloudlet.deploy.engine import failure_reason
    from cloudlet.errors import ServiceError

    reason = failure_reason(
        ServiceError("InvalidAttributeValue", "Invalid value for the parameter DelaySeconds.", 400)
    )
    assert reason.startswith(
        'Resource handler returned message: "Invalid value for the parameter DelaySeconds." (RequestToken: '
    )
    assert reason.endswith(", HandlerErrorCode: InvalidRequest)")
    assert failure_reason(ValidationError("Template error: no")) == "Template error: no"


def test_failed_update_after_a_replacement_keeps_the_old_resource() -> None:
    sink = Sink()
    eng = engine(sink)
    first = {
        "A": {"Type": "Test::Thing", "Properties": {"Name": "a1"}},
        "B": {"Type": "Test::Thing", "Properties": {"Name": "b", "Of": {"Ref": "A"}}},
    }
    asyncio.run(eng.create(plan_of(first)))
    broken = {
        "A": {"Type": "Test::Thing", "Properties": {"Name": "a2"}},
        "B": {"Type": "Test::Thing", "Properties": {"Name": "b", "Of": {"Ref": "A"}, "Fail": True}},
    }
    assert asyncio.run(eng.update(plan_of(broken))) is None
    assert sink.status == "UPDATE_ROLLBACK_COMPLETE"
    assert WORLD == {"a1": {"Name": "a1"}, "b": {"Name": "b", "Of": "a1"}}
    assert eng.resources["A"].physical_id == "a1"
    assert sink.saved["A"].physical_id == "a1"


class Sticky(Thing):
    """Deletes fail while WORLD holds "stuck"."""

    type_name = "Test::Sticky"

    async def delete(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any]) -> None:
        if "stuck" in WORLD:
            raise RuntimeError("still in use")
        WORLD.pop(physical_id, None)


HANDLERS["Test::Sticky"] = Sticky()


def test_delete_failure_then_retry() -> None:
    sink = Sink()
    eng = engine(sink)
    asyncio.run(eng.create(plan_of({"S": {"Type": "Test::Sticky", "Properties": {"Name": "s"}}})))
    WORLD["stuck"] = {}
    assert not asyncio.run(eng.delete())
    assert sink.status == "DELETE_FAILED"
    assert ("S", "DELETE_FAILED", "still in use") in sink.events
    assert ("stack", "DELETE_FAILED", "The following resource(s) failed to delete: [S]. ") in sink.events
    del WORLD["stuck"]
    assert asyncio.run(engine(sink, dict(sink.saved)).delete())
    assert WORLD == {} and sink.saved == {}


class Slow(Thing):
    """Takes a few turns of the event loop to create."""

    type_name = "Test::Slow"

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        for _ in range(5):
            await asyncio.sleep(0)
        return await super().create(ctx, properties)


HANDLERS["Test::Slow"] = Slow()


def test_a_failure_cancels_the_resources_still_in_progress() -> None:
    sink = Sink()
    plan = plan_of(
        {
            "Slow": {"Type": "Test::Slow", "Properties": {"Name": "slow"}},
            "Bad": {"Type": "Test::Thing", "Properties": {"Fail": True}},
        }
    )
    asyncio.run(engine(sink).create(plan))
    assert sink.status == "ROLLBACK_COMPLETE"
    assert ("Slow", "CREATE_FAILED", "Resource creation cancelled") in sink.events
    assert (
        "stack",
        "ROLLBACK_IN_PROGRESS",
        "The following resource(s) failed to create: [Slow, Bad]. Rollback requested by user.",
    ) in sink.events
    assert ("Slow", "DELETE_COMPLETE", "") in sink.events
    assert WORLD == {}
