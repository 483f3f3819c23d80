"""Targets of rules: PutTargets, RemoveTargets, ListTargetsByRule, ListRuleNamesByTarget."""

from __future__ import annotations

import json
import re
from typing import Any

from cloudlet import ids
from cloudlet.errors import ServiceError
from cloudlet.gateway.context import RequestContext
from cloudlet.services.events import store
from cloudlet.services.events.core import page, validation
from cloudlet.services.events.rules import RuleOperations, name_error
from cloudlet.services.events.transformer import RESERVED, PathError, parse_path

MAX_TARGETS_PER_RULE = 5  # "You can add up to five targets for each rule" (PutTargets reference)
MAX_INPUT_PATHS = 100
TARGET_ID = re.compile(r"[.\-_A-Za-z0-9]{1,64}")
PATH_KEY = re.compile(r"[A-Za-z0-9_\-]{1,256}")
PLACEHOLDER = re.compile(r"<(.*?)>")


def check_target(index: int, target: dict[str, Any]) -> None:
    target_id = str(target.get("Id", ""))
    if not TARGET_ID.fullmatch(target_id):
        raise name_error(target_id, f"targets.{index}.member.id", r"[\.\-_A-Za-z0-9]+")
    given = [key for key in ("Input", "InputPath", "InputTransformer") if target.get(key) is not None]
    if len(given) > 1:
        raise validation(
            f"Only one of Input, InputPath, or InputTransformer must be provided for target {target_id}."
        )
    if target.get("Input") is not None:
        try:
            json.loads(target["Input"])
        except ValueError:
            raise validation("Input is not valid JSON text.") from None
    if target.get("InputPath"):
        try:
            parse_path(str(target["InputPath"]))
        except PathError:
            raise validation("InputPath is not valid.") from None
    if target.get("InputTransformer") is not None:
        check_transformer(target_id, target["InputTransformer"])
    retry = target.get("RetryPolicy") or {}
    attempts, age = retry.get("MaximumRetryAttempts"), retry.get("MaximumEventAgeInSeconds")
    if attempts is not None and not 0 <= int(attempts) <= 185:
        raise validation(
            f"1 validation error detected: Value '{attempts}' at 'targets.{index}.member.retryPolicy."
            "maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 185"
        )
    if age is not None and not 60 <= int(age) <= 86400:
        bound = "greater than or equal to 60" if int(age) < 60 else "less than or equal to 86400"
        raise validation(
            f"1 validation error detected: Value '{age}' at 'targets.{index}.member.retryPolicy."
            f"maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value {bound}"
        )
    dlq = (target.get("DeadLetterConfig") or {}).get("Arn")
    if dlq is not None and ":sqs:" not in str(dlq):
        raise validation(
            "Parameter DeadLetterConfig.Arn is not valid. Reason: Provided Arn is not an SQS queue."
        )


def entry_failure(target: dict[str, Any]) -> dict[str, Any] | None:
    """The FailedEntries entry PutTargets reports for `target` instead of adding it, or None."""
    target_id, arn = str(target["Id"]), str(target.get("Arn", ""))
    message = None
    if ids.parse_arn(arn) is None:
        message = f"Parameter {arn} is not valid. Reason: Provided Arn is not in correct format."
    elif (
        ":sqs:" in arn
        and arn.endswith(".fifo")
        and not (target.get("SqsParameters") or {}).get("MessageGroupId")
    ):
        message = f"Parameter(s) SqsParameters must be specified for target: {target_id}."
    if message is None:
        return None
    return {"TargetId": target_id, "ErrorCode": "ValidationException", "ErrorMessage": message}


def check_transformer(target_id: str, transformer: dict[str, Any]) -> None:
    paths = transformer.get("InputPathsMap") or {}
    if len(paths) > MAX_INPUT_PATHS:
        raise validation("InputTransformer is not valid. Reason: InputPathsMap can have at most 100 entries.")
    for key, path in paths.items():
        if key in RESERVED or not PATH_KEY.fullmatch(key):
            raise validation(
                f"InputTransformer is not valid. Reason: {key} is a reserved or invalid key name."
            )
        try:
            parse_path(str(path))
        except PathError:
            raise validation(
                f"InputTransformer is not valid. Reason: {path} is not a valid JSON path."
            ) from None
    template = str(transformer.get("InputTemplate", ""))
    if not template:
        raise validation("InputTransformer is not valid. Reason: InputTemplate must not be empty.")
    for placeholder in PLACEHOLDER.findall(template):
        if placeholder not in paths and placeholder not in RESERVED:
            raise validation(
                f"InputTemplate for target {target_id} contains invalid placeholder {placeholder}."
            )


class TargetOperations(RuleOperations):
    def put_targets(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        bus = self.require_bus(ctx, params.get("EventBusName"))
        rule = self.require_rule(ctx, str(params["Rule"]), bus)
        targets = list(params.get("Targets") or [])
        for index, target in enumerate(targets, 1):
            check_target(index, target)
        existing = {t["Id"] for t in store.targets_of(self.db, rule.id)}
        if len(existing | {t["Id"] for t in targets}) > MAX_TARGETS_PER_RULE:
            raise ServiceError(
                "LimitExceededException", "The requested resource exceeds the maximum number allowed."
            )
        failed: list[dict[str, Any]] = []
        with self.db.write() as tx:
            for target in targets:
                failure = entry_failure(target)
                if failure is not None:
                    failed.append(failure)
                    continue
                store.put_target(tx, rule.id, {k: v for k, v in target.items() if v is not None})
        return {"FailedEntryCount": len(failed), "FailedEntries": failed}

    def remove_targets(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        bus = self.require_bus(ctx, params.get("EventBusName"))
        rule = self.require_rule(ctx, str(params["Rule"]), bus)
        failed: list[dict[str, Any]] = []
        with self.db.write() as tx:
            for target_id in params.get("Ids") or []:
                if not store.remove_target(tx, rule.id, str(target_id)):
                    message = f"Rule '{rule.name}' does not have a target with the Id '{target_id}'."
                    failed.append(
                        {
                            "TargetId": target_id,
                            "ErrorCode": "ResourceNotFoundException",
                            "ErrorMessage": message,
                        }
                    )
        return {"FailedEntryCount": len(failed), "FailedEntries": failed}

    def list_targets_by_rule(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        bus = self.require_bus(ctx, params.get("EventBusName"))
        rule = self.require_rule(ctx, str(params["Rule"]), bus)
        chunk, token = page(store.targets_of(self.db, rule.id), params)
        result: dict[str, Any] = {"Targets": chunk}
        if token:
            result["NextToken"] = token
        return result

    def list_rule_names_by_target(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        bus = self.require_bus(ctx, params.get("EventBusName"))
        names = store.rules_targeting(self.db, ctx.account, ctx.region, bus, str(params["TargetArn"]))
        chunk, token = page(names, params)
        result: dict[str, Any] = {"RuleNames": chunk}
        if token:
            result["NextToken"] = token
        return result
