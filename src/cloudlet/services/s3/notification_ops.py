"""Put/GetBucketNotificationConfiguration: validated like S3 does it (event names, filter
rules, destinations that exist), a test event to each new destination, stored per bucket."""

from __future__ import annotations

from typing import Any

from cloudlet import ids
from cloudlet.errors import ServiceError
from cloudlet.gateway.context import RequestContext
from cloudlet.services.s3 import errors, notifications, store
from cloudlet.services.s3.core import NOTIFICATION_TOPIC, S3Core


def _unable_to_validate(problems: list[tuple[str, str]]) -> ServiceError:
    fields: dict[str, Any] = {}
    for number, (arn, reason) in enumerate(problems, start=1):
        fields[f"ArgumentName{number}"] = arn
        fields[f"ArgumentValue{number}"] = reason
    return ServiceError(
        "InvalidArgument", "Unable to validate the following destination configurations", 400, fields=fields
    )


def check_configuration(config: dict[str, Any]) -> None:
    for list_name, arn_name, _ in notifications.DESTINATIONS:
        for entry in config.get(list_name) or []:
            if not entry.get(arn_name):
                raise errors.malformed_xml()
            events = entry.get("Events") or []
            if not events:
                raise errors.malformed_xml()
            for event in events:
                if event not in notifications.EVENT_TYPES:
                    raise errors.invalid_argument(
                        "The event is not supported for notifications", "Event", event
                    )
            rules = ((entry.get("Filter") or {}).get("Key") or {}).get("FilterRules") or []
            seen: set[str] = set()
            for rule in rules:
                name = str(rule.get("Name", "")).lower()
                if name not in ("prefix", "suffix"):
                    raise errors.invalid_argument(
                        "filter rule name must be either prefix or suffix",
                        "FilterRule.Name",
                        rule.get("Name"),
                    )
                if name in seen:
                    raise errors.invalid_argument(
                        f"Cannot specify more than one {name} rule in a filter.",
                        "FilterRule.Name",
                        rule.get("Name"),
                    )
                seen.add(name)


class NotificationOperations(S3Core):
    async def put_bucket_notification_configuration(
        self, ctx: RequestContext, params: dict[str, Any]
    ) -> dict[str, Any]:
        bucket = self.bucket(ctx, params.get("Bucket"))
        config = dict(params.get("NotificationConfiguration") or {})
        check_configuration(config)
        if not params.get("SkipDestinationValidation"):
            problems = await self._unreachable(notifications.destination_arns(config))
            if problems:
                raise _unable_to_validate(problems)
        stored = notifications.with_ids(config)
        with self.db.write() as tx:
            if store.find_bucket(tx, bucket["name"]) is None:
                raise errors.no_such_bucket(bucket["name"])
            store.set_config(tx, bucket["name"], "notification", stored)
            for kind, arn in notifications.destination_arns(stored):
                if kind in ("sqs", "sns"):  # S3 tests queues and topics, not functions
                    event = notifications.test_event(str(bucket["name"]), self.now(), ctx.request_id)
                    payload = {
                        "kind": kind,
                        "arn": arn,
                        "account": bucket["account"],
                        "region": bucket["region"],
                        "event": event,
                    }
                    tx.emit(NOTIFICATION_TOPIC, payload)
        return {}

    def get_bucket_notification_configuration(
        self, ctx: RequestContext, params: dict[str, Any]
    ) -> dict[str, Any]:
        bucket = self.bucket(ctx, params.get("Bucket"))
        value: dict[str, Any] = self.configs(bucket).get("notification") or {}
        return dict(value)

    async def _unreachable(self, destinations: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """The destinations that do not exist, with S3's reason; asked through the internal API."""
        clients = self.env.extras.get("clients")
        problems = []
        for kind, arn in destinations:
            parsed = ids.parse_arn(arn)
            if parsed is None or parsed["service"] != kind:
                problems.append((arn, "The destination ARN is not valid"))
                continue
            if clients is None:
                continue
            operation, params, what = _EXISTENCE_CHECKS[kind](parsed, arn)
            try:
                await clients.call(kind, operation, params, parsed["account"], parsed["region"])
            except ServiceError:
                problems.append((arn, f"The destination {what} does not exist"))
        return problems


def _queue_check(arn: dict[str, str], _: str) -> tuple[str, dict[str, Any], str]:
    return "GetQueueUrl", {"QueueName": arn["resource"], "QueueOwnerAWSAccountId": arn["account"]}, "queue"


def _topic_check(_: dict[str, str], arn: str) -> tuple[str, dict[str, Any], str]:
    return "GetTopicAttributes", {"TopicArn": arn}, "topic"


def _function_check(_: dict[str, str], arn: str) -> tuple[str, dict[str, Any], str]:
    return "GetFunctionConfiguration", {"FunctionName": arn}, "Lambda function"


_EXISTENCE_CHECKS = {"sqs": _queue_check, "sns": _topic_check, "lambda": _function_check}
