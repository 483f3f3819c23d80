"""The SAM transform (`Transform: AWS::Serverless-2016-10-31`) through aws-sam-translator,
the library CloudFormation's own transform and `sam deploy` use.

aws-sam-translator is optional (`pip install 'cloudlet[sam]'`). It makes no AWS call here:
the region comes from a local boto3 Session object, and managed policy names (a function's
`Policies: [AWSLambdaBasicExecutionRole]`) resolve through the map bundled with the library,
then a small static map of the common ones, never through IAM ListPolicies.
https://github.com/aws/serverless-application-model/blob/develop/samtranslator/translator/transform.py
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Mapping
from typing import Any

from cloudlet.deploy.errors import ValidationError

SAM_TRANSFORM = "AWS::Serverless-2016-10-31"
INSTALL_HINT = "pip install 'cloudlet[sam]'"

_COMMON_POLICIES = (
    "service-role/AWSLambdaBasicExecutionRole",
    "service-role/AWSLambdaSQSQueueExecutionRole",
    "service-role/AWSLambdaDynamoDBExecutionRole",
    "service-role/AWSLambdaKinesisExecutionRole",
    "service-role/AWSLambdaVPCAccessExecutionRole",
    "service-role/AWSLambdaRole",
    "AWSXrayWriteOnlyAccess",
    "AWSXRayDaemonWriteAccess",
    "AmazonSQSFullAccess",
    "AmazonSNSFullAccess",
    "AmazonDynamoDBFullAccess",
    "AmazonDynamoDBReadOnlyAccess",
    "AmazonS3FullAccess",
    "AmazonS3ReadOnlyAccess",
    "CloudWatchLogsFullAccess",
    "AmazonEventBridgeFullAccess",
)
# ArnGenerator keeps the region in a class attribute: one translation at a time.
_LOCK = threading.Lock()


class SamNotInstalled(ValidationError):
    def __init__(self) -> None:
        super().__init__(f"Transform {SAM_TRANSFORM} needs the aws-sam-translator library: {INSTALL_HINT}")


class StaticPolicyLoader:
    """The managed-policy loader aws-sam-translator asks when a name is not in its bundled
    map: a fixed map instead of IAM ListPolicies."""

    def __init__(self, partition: str = "aws") -> None:
        self.partition = partition

    def load(self) -> dict[str, str]:
        return {
            path.rsplit("/", 1)[-1]: f"arn:{self.partition}:iam::aws:policy/{path}"
            for path in _COMMON_POLICIES
        }


def is_sam(template: Mapping[str, Any]) -> bool:
    value = template.get("Transform")
    items = value if isinstance(value, list) else [value]
    return SAM_TRANSFORM in items


def available() -> bool:
    try:
        import samtranslator  # noqa: F401
    except ImportError:
        return False
    return True


def translate(
    template: dict[str, Any], account: str, region: str, parameters: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The CloudFormation template the SAM transform makes of `template` (not modified).
    Raises ValidationError with SAM's own message when the template is invalid, and
    SamNotInstalled when the library is missing."""
    try:
        import boto3
        from samtranslator.metrics.metrics import DummyMetricsPublisher, Metrics
        from samtranslator.model.exceptions import InvalidDocumentException
        from samtranslator.parser.parser import Parser
        from samtranslator.translator.translator import Translator
        from samtranslator.utils.py27hash_fix import (
            to_py27_compatible_template,
            undo_mark_unicode_str_in_template,
        )
    except ImportError:
        raise SamNotInstalled() from None

    fragment = copy.deepcopy(template)
    values: dict[str, Any] = {"AWS::AccountId": account, "AWS::Region": region, **(parameters or {})}
    session = boto3.session.Session(region_name=region)  # local: no credentials, no call
    loader = StaticPolicyLoader(_partition(region))
    with _LOCK:
        to_py27_compatible_template(fragment, values)
        metrics = Metrics("ServerlessTransform", DummyMetricsPublisher())
        translator = Translator(None, Parser(), boto_session=session, metrics=metrics)
        try:
            result = translator.translate(
                fragment, parameter_values=values, get_managed_policy_map=loader.load
            )
        except InvalidDocumentException as error:
            # The message CloudFormation shows for a failed SAM transform.
            raise ValidationError(
                f"Transform {SAM_TRANSFORM} failed with: {error.message} "
                + " ".join(cause.message for cause in error.causes)
            ) from None
        finally:
            metrics.publish()  # to nowhere; unpublished metrics log a warning
    translated: dict[str, Any] = undo_mark_unicode_str_in_template(result)
    return translated


def _partition(region: str) -> str:
    for prefix, partition in (("cn-", "aws-cn"), ("us-gov", "aws-us-gov"), ("us-iso-", "aws-iso")):
        if region.startswith(prefix):
            return partition
    return "aws"
