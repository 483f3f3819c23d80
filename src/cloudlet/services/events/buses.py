"""Event buses: Create/Describe/List/Update/DeleteEventBus and Put/RemovePermission."""

from __future__ import annotations

import json
from typing import Any

from cloudlet.errors import ServiceError
from cloudlet.gateway.context import RequestContext
from cloudlet.services.events import store
from cloudlet.services.events.core import BUS_NAME, EventsBase, not_found, page, validation


class BusOperations(EventsBase):
    def create_event_bus(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        name = str(params["Name"])
        if not BUS_NAME.fullmatch(name) or name.startswith("aws."):
            raise validation(f"Event bus name {name} is not valid.")  # EventSourceName aside
        if name == store.DEFAULT_BUS or store.get_bus(self.db, ctx.account, ctx.region, name):
            raise ServiceError("ResourceAlreadyExistsException", f"Event bus {name} already exists.", 400)
        dlq = (params.get("DeadLetterConfig") or {}).get("Arn")
        tags = {t["Key"]: t["Value"] for t in params.get("Tags") or []}
        with self.db.write() as tx:
            store.insert_bus(
                tx, ctx.account, ctx.region, name, self.clock.now_ms(),
                description=params.get("Description"), kms_key=params.get("KmsKeyIdentifier"),
                dead_letter_arn=dlq, tags=tags,
            )  # fmt: skip
        result: dict[str, Any] = {"EventBusArn": store.bus_arn(ctx.account, ctx.region, name)}
        for key in ("Description", "KmsKeyIdentifier", "DeadLetterConfig"):
            if params.get(key):
                result[key] = params[key]
        return result

    def _bus_or_default(self, ctx: RequestContext, name: str) -> store.Bus:
        bus = store.get_bus(self.db, ctx.account, ctx.region, name)
        if bus is not None:
            return bus
        if name == store.DEFAULT_BUS:
            return store.Bus(ctx.account, ctx.region, name, None, None, None, None, {}, 0, 0)
        raise not_found(f"Event bus {name} does not exist.")

    def describe_event_bus(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        bus = self._bus_or_default(ctx, self.bus_name(ctx, params.get("Name")))
        result = self._bus_view(bus)
        if bus.kms_key:
            result["KmsKeyIdentifier"] = bus.kms_key
        if bus.dead_letter_arn:
            result["DeadLetterConfig"] = {"Arn": bus.dead_letter_arn}
        return result

    @staticmethod
    def _bus_view(bus: store.Bus) -> dict[str, Any]:
        view: dict[str, Any] = {"Name": bus.name, "Arn": bus.arn}
        if bus.description:
            view["Description"] = bus.description
        if bus.policy:
            view["Policy"] = bus.policy
        if bus.created_ms:
            view["CreationTime"] = bus.created_ms / 1000
            view["LastModifiedTime"] = bus.modified_ms / 1000
        return view

    def list_event_buses(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        prefix = str(params.get("NamePrefix") or "")
        buses = {b.name: b for b in store.list_buses(self.db, ctx.account, ctx.region, prefix)}
        if store.DEFAULT_BUS.startswith(prefix) and store.DEFAULT_BUS not in buses:
            buses[store.DEFAULT_BUS] = self._bus_or_default(ctx, store.DEFAULT_BUS)
        chunk, token = page([buses[name] for name in sorted(buses)], params)
        result: dict[str, Any] = {"EventBuses": [self._bus_view(b) for b in chunk]}
        if token:
            result["NextToken"] = token
        return result

    def update_event_bus(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        name = self.bus_name(ctx, params.get("Name"))
        self._bus_or_default(ctx, name)
        now = self.clock.now_ms()
        with self.db.write() as tx:
            store.ensure_default_bus(tx, ctx.account, ctx.region, now)
            if "Description" in params:
                store.update_bus(
                    tx, ctx.account, ctx.region, name, now, description=params["Description"] or None
                )
            if "KmsKeyIdentifier" in params:
                store.update_bus(
                    tx, ctx.account, ctx.region, name, now, kms_key=params["KmsKeyIdentifier"] or None
                )
            if "DeadLetterConfig" in params:
                dlq = (params["DeadLetterConfig"] or {}).get("Arn")
                store.update_bus(tx, ctx.account, ctx.region, name, now, dead_letter_arn=dlq)
        bus = self._bus_or_default(ctx, name)
        result: dict[str, Any] = {"Arn": bus.arn, "Name": bus.name}
        if bus.description:
            result["Description"] = bus.description
        if bus.kms_key:
            result["KmsKeyIdentifier"] = bus.kms_key
        if bus.dead_letter_arn:
            result["DeadLetterConfig"] = {"Arn": bus.dead_letter_arn}
        return result

    def delete_event_bus(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        name = str(params["Name"])
        if name == store.DEFAULT_BUS:
            raise validation("Cannot delete event bus default.")
        # AWS answers 200 for a bus that does not exist.
        with self.db.write() as tx:
            store.delete_bus(tx, ctx.account, ctx.region, name)
        self.forget_bus_timers(ctx.account, ctx.region, name)
        return {}

    def forget_bus_timers(self, account: str, region: str, bus: str) -> None:
        """Overridden by the scheduling mixin: stop the timers of a deleted bus's rules."""

    # -- resource policy -----------------------------------------------------------------------
    def put_permission(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        name = self.bus_name(ctx, params.get("EventBusName"))
        bus = self._bus_or_default(ctx, name)
        if params.get("Policy"):
            try:
                policy = json.loads(params["Policy"])
            except ValueError:
                raise validation("Policy is not valid JSON.") from None
        else:
            statement_id = params.get("StatementId")
            if not statement_id or not params.get("Principal") or params.get("Action") != "events:PutEvents":
                raise validation("Parameter(s) StatementId, Principal and Action must be specified.")
            policy = json.loads(bus.policy) if bus.policy else {"Version": "2012-10-17", "Statement": []}
            principal = params["Principal"]
            statement: dict[str, Any] = {
                "Sid": statement_id,
                "Effect": "Allow",
                "Principal": "*" if principal == "*" else {"AWS": f"arn:aws:iam::{principal}:root"},
                "Action": "events:PutEvents",
                "Resource": bus.arn,
            }
            if params.get("Condition"):
                condition = params["Condition"]
                statement["Condition"] = {condition["Type"]: {condition["Key"]: condition["Value"]}}
            policy["Statement"] = [s for s in policy["Statement"] if s.get("Sid") != statement_id] + [
                statement
            ]
        with self.db.write() as tx:
            store.ensure_default_bus(tx, ctx.account, ctx.region, self.clock.now_ms())
            text = json.dumps(policy, separators=(",", ":"))
            store.update_bus(tx, ctx.account, ctx.region, name, self.clock.now_ms(), policy=text)
        return {}

    def remove_permission(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        name = self.bus_name(ctx, params.get("EventBusName"))
        bus = self._bus_or_default(ctx, name)
        policy = json.loads(bus.policy) if bus.policy else None
        if params.get("RemoveAllPermissions"):
            new_policy = None
        else:
            statement_id = params.get("StatementId")
            statements = (policy or {}).get("Statement", [])
            if policy is None:
                raise not_found("EventBus does not have a policy.")
            if not any(s.get("Sid") == statement_id for s in statements):
                raise not_found("Statement with the provided id does not exist.")
            policy["Statement"] = [s for s in statements if s.get("Sid") != statement_id]
            new_policy = json.dumps(policy, separators=(",", ":")) if policy["Statement"] else None
        with self.db.write() as tx:
            store.update_bus(tx, ctx.account, ctx.region, name, self.clock.now_ms(), policy=new_policy)
        return {}
