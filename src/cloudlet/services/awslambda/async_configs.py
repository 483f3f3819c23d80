"""Put/Get/Update/Delete/ListFunctionEventInvokeConfig(s): per function and qualifier, how
many times to retry an asynchronous invocation, how old an event may get, and where records
of successes and failures go. Error wording is AWS's (recorded against AWS by LocalStack's
snapshot tests of these operations)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from cloudlet.errors import ServiceError
from cloudlet.services.awslambda import async_store as store
from cloudlet.services.awslambda import names
from cloudlet.services.awslambda.async_store import EventInvokeConfig

if TYPE_CHECKING:
    from cloudlet.clock import Clock
    from cloudlet.services.awslambda.invoking import FunctionSpec
    from cloudlet.storage import Database

_DESTINATION_PATTERN = (
    r"$|kafka://([^.]([a-zA-Z0-9\-_.]{0,248}))|arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\-])+:"
    r"((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1})?:(\d{12})?:(.*)"
)
_DESTINATION = re.compile(_DESTINATION_PATTERN)
_LAMBDA_DESTINATION = re.compile(
    r"^arn:aws[a-zA-Z-]*:lambda:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):function:"
    r"(?P<name>[a-zA-Z0-9_-]+)(?::(?P<qualifier>\$LATEST|[a-zA-Z0-9_-]+))?$"
)
# S3 buckets take failure records only (the invocation-async-retain-records page).
_SUCCESS_SERVICES = ("sqs", "sns", "lambda", "events")
_FAILURE_SERVICES = (*_SUCCESS_SERVICES, "s3")
MAX_LIST_ITEMS = 50


def _no_config(account: str, region: str, name: str, qualifier: str) -> ServiceError:
    arn = names.function_arn(region, account, name, qualifier)
    return names.resource_not_found(f"The function {arn} doesn't have an EventInvokeConfig")


def _no_function() -> ServiceError:
    return names.resource_not_found("The function doesn't exist.")


def _check_settings(params: dict[str, Any]) -> None:
    """The model's constraints (AWS checks them before anything else)."""
    if params.get("MaximumRetryAttempts") is not None:
        names.check_range(params["MaximumRetryAttempts"], "maximumRetryAttempts", 0, 2)
    if params.get("MaximumEventAgeInSeconds") is not None:
        names.check_range(params["MaximumEventAgeInSeconds"], "maximumEventAgeInSeconds", 60, 21600)
    destinations = params.get("DestinationConfig") or {}
    for key, member in (("OnSuccess", "onSuccess"), ("OnFailure", "onFailure")):
        arn = (destinations.get(key) or {}).get("Destination")
        if arn is None:
            continue
        where = f"destinationConfig.{member}.destination"
        if len(arn) > 350:
            raise names.validation(arn, where, "Member must have length less than or equal to 350")
        if not _DESTINATION.fullmatch(arn):
            raise names.validation(
                arn, where, f"Member must satisfy regular expression pattern: {_DESTINATION_PATTERN}"
            )
    if not any(
        params.get(key) is not None
        for key in ("MaximumRetryAttempts", "MaximumEventAgeInSeconds", "DestinationConfig")
    ):
        raise names.invalid("You must specify at least one of error handling or destination setting.")


class EventInvokeConfigOps:
    if TYPE_CHECKING:
        db: Database
        clock: Clock

        def resolve(
            self, account: str, region: str, function: str, qualifier: str | None
        ) -> FunctionSpec: ...

        def function_row(self, account: str, region: str, name: str) -> dict[str, Any] | None: ...

    # -- operations ------------------------------------------------------------------------------
    def put_function_event_invoke_config(self, ctx: Any, params: dict[str, Any]) -> dict[str, Any]:
        _check_settings(params)
        account, region, name, qualifier = self._config_target(ctx, params)
        if not self._qualifier_exists(account, region, name, qualifier):
            raise _no_function()
        on_success, on_failure = self._destinations(account, region, name, params.get("DestinationConfig"))
        config = EventInvokeConfig(
            account=account,
            region=region,
            name=name,
            qualifier=qualifier,
            maximum_retry_attempts=params.get("MaximumRetryAttempts"),
            maximum_event_age=params.get("MaximumEventAgeInSeconds"),
            on_success=on_success,
            on_failure=on_failure,
            last_modified=self.clock.now(),
        )
        with self.db.write() as tx:
            saved = store.put_config(tx, config)
        return _render(saved)

    def update_function_event_invoke_config(self, ctx: Any, params: dict[str, Any]) -> dict[str, Any]:
        _check_settings(params)
        account, region, name, qualifier = self._config_target(ctx, params)
        if not self._qualifier_exists(account, region, name, qualifier):
            raise _no_function()
        current = store.get_config(self.db, account, region, name, qualifier)
        if current is None:
            raise _no_config(account, region, name, qualifier)
        changes: dict[str, Any] = {"last_modified": self.clock.now()}
        if params.get("MaximumRetryAttempts") is not None:
            changes["maximum_retry_attempts"] = params["MaximumRetryAttempts"]
        if params.get("MaximumEventAgeInSeconds") is not None:
            changes["maximum_event_age"] = params["MaximumEventAgeInSeconds"]
        if params.get("DestinationConfig") is not None:
            # A DestinationConfig given replaces both destinations (one left out is removed).
            on_success, on_failure = self._destinations(account, region, name, params["DestinationConfig"])
            changes.update(on_success=on_success, on_failure=on_failure)
        merged = EventInvokeConfig(**{**current.__dict__, **changes})
        with self.db.write() as tx:
            saved = store.put_config(tx, merged)
        return _render(saved)

    def get_function_event_invoke_config(self, ctx: Any, params: dict[str, Any]) -> dict[str, Any]:
        account, region, name, qualifier = self._config_target(ctx, params)
        config = store.get_config(self.db, account, region, name, qualifier)
        if config is None or not self._qualifier_exists(account, region, name, qualifier):
            raise _no_config(account, region, name, qualifier)
        return _render(config)

    def delete_function_event_invoke_config(self, ctx: Any, params: dict[str, Any]) -> dict[str, Any]:
        account, region, name, qualifier = self._config_target(ctx, params)
        config = store.get_config(self.db, account, region, name, qualifier)
        if config is None or not self._qualifier_exists(account, region, name, qualifier):
            raise _no_config(account, region, name, qualifier)
        with self.db.write() as tx:
            store.delete_config(tx, account, region, name, qualifier)
        return {}

    def list_function_event_invoke_configs(self, ctx: Any, params: dict[str, Any]) -> dict[str, Any]:
        limit = params.get("MaxItems")
        if limit is not None:
            names.check_range(limit, "maxItems", 1, MAX_LIST_ITEMS)
        account, region, name, _ = names.parse_function(params["FunctionName"], None, ctx.account, ctx.region)
        if not self._qualifier_exists(account, region, name, names.LATEST):
            raise _no_function()
        marker = params.get("Marker")
        after = 0
        if marker:
            if not str(marker).isdigit():
                raise names.invalid(f"Invalid marker: {marker}")
            after = int(marker)
        size = limit or MAX_LIST_ITEMS
        # Configs of versions or aliases deleted since are left out.
        configs = [
            config
            for config in store.list_configs(self.db, account, region, name, after)
            if config.qualifier == names.LATEST
            or self._qualifier_exists(account, region, name, config.qualifier)
        ]
        result: dict[str, Any] = {"FunctionEventInvokeConfigs": [_render(c) for c in configs[:size]]}
        if len(configs) > size:
            result["NextMarker"] = str(configs[size - 1].id)
        return result

    # -- helpers ---------------------------------------------------------------------------------
    def _config_target(self, ctx: Any, params: dict[str, Any]) -> tuple[str, str, str, str]:
        account, region, name, qualifier = names.parse_function(
            params["FunctionName"], params.get("Qualifier"), ctx.account, ctx.region
        )
        return account, region, name, qualifier or names.LATEST

    def _qualifier_exists(self, account: str, region: str, name: str, qualifier: str) -> bool:
        try:
            self.resolve(account, region, name, qualifier)
        except ServiceError as exc:
            if exc.code == "ResourceNotFoundException":
                return False
            raise
        return True

    def _destinations(
        self, account: str, region: str, name: str, destinations: dict[str, Any] | None
    ) -> tuple[str | None, str | None]:
        """Validated (OnSuccess, OnFailure) destination ARNs; an empty ARN means none."""
        destinations = destinations or {}
        on_success = (destinations.get("OnSuccess") or {}).get("Destination") or None
        on_failure = (destinations.get("OnFailure") or {}).get("Destination") or None
        valid = True
        for arn, services in ((on_success, _SUCCESS_SERVICES), (on_failure, _FAILURE_SERVICES)):
            if arn is None or arn.startswith("kafka://"):
                continue
            service = arn.split(":")[2]
            if service not in services:
                valid = False
            elif service == "lambda":
                self._check_lambda_destination(arn, account, region, name)
        if not valid:
            success = f"OnSuccess(destination={on_success})" if on_success else "null"
            failure = f"OnFailure(destination={on_failure})" if on_failure else "null"
            raise names.invalid(
                f"The provided destination config DestinationConfig(onSuccess={success}, onFailure={failure}) is invalid."
            )
        return on_success, on_failure

    def _check_lambda_destination(self, arn: str, account: str, region: str, name: str) -> None:
        match = _LAMBDA_DESTINATION.match(arn)
        if match is None or self.function_row(match["account"], match["region"], match["name"]) is None:
            raise names.invalid(f"The destination ARN {arn} is invalid.")
        if (match["account"], match["region"], match["name"]) == (account, region, name):
            raise names.invalid("You can't specify the function as a destination for itself.")


def _render(config: EventInvokeConfig) -> dict[str, Any]:
    on_success = {"Destination": config.on_success} if config.on_success else {}
    on_failure = {"Destination": config.on_failure} if config.on_failure else {}
    result: dict[str, Any] = {
        "LastModified": config.last_modified,
        "FunctionArn": names.function_arn(config.region, config.account, config.name, config.qualifier),
        "DestinationConfig": {"OnSuccess": on_success, "OnFailure": on_failure},
    }
    if config.maximum_retry_attempts is not None:
        result["MaximumRetryAttempts"] = config.maximum_retry_attempts
    if config.maximum_event_age is not None:
        result["MaximumEventAgeInSeconds"] = config.maximum_event_age
    return result
