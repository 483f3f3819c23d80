"""Where a stack's template comes from (TemplateBody, or TemplateURL in cloudlet's S3) and
its transforms (SAM through cloudlet.deploy.sam when present)."""

from __future__ import annotations

import importlib
import json
from typing import Any
from urllib.parse import unquote, urlsplit

from cloudlet.deploy.errors import ValidationError
from cloudlet.deploy.template import Template, parse_template, validate_template
from cloudlet.errors import ServiceError

SAM = "AWS::Serverless-2016-10-31"
LANGUAGE_EXTENSIONS = "AWS::LanguageExtensions"


def split_s3_url(url: str) -> tuple[str, str]:
    """(bucket, key) of a TemplateURL: path style (http://endpoint/bucket/key,
    https://s3.REGION.amazonaws.com/bucket/key) or virtual-hosted
    (https://bucket.s3.REGION.amazonaws.com/key, https://bucket.s3.amazonaws.com/key)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    path = unquote(parts.path).lstrip("/")
    if ".s3." in host or ".s3-" in host:
        bucket = host.split(".s3", 1)[0]
        return bucket, path
    bucket, _, key = path.partition("/")
    if not bucket or not key:
        raise ValidationError("TemplateURL must be a supported URL.")
    return bucket, key


async def fetch_template(caller: Any, url: str) -> str:
    """The text of a template stored in cloudlet's S3; caller(service, op, params)."""
    bucket, key = split_s3_url(url)
    try:
        result = await caller("s3", "GetObject", {"Bucket": bucket, "Key": key})
    except ServiceError:
        raise ValidationError(
            f"S3 error: Unable to get object at {url}: The specified key does not exist."
        ) from None
    body = result.get("Body", b"")
    if hasattr(body, "read_all"):
        body = body.read_all()
    return body.decode("utf-8") if isinstance(body, bytes | bytearray) else str(body)


def _uses_for_each(value: Any) -> bool:
    if isinstance(value, dict):
        return any(str(k).startswith("Fn::ForEach") or _uses_for_each(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_uses_for_each(v) for v in value)
    return False


def process(
    text: str, account: str, region: str, parameters: dict[str, str] | None = None
) -> tuple[Template, bool]:
    """The template to deploy (transforms applied, validated) and whether a transform ran."""
    body = parse_template(text)
    template = Template(body)
    transforms = template.transforms
    transformed = False
    for name in transforms:
        if name == SAM:
            try:
                sam = importlib.import_module("cloudlet.deploy.sam")
            except ImportError:
                raise ValidationError(
                    f"Template format error: the {SAM} transform is not available in this cloudlet"
                ) from None
            body = sam.translate(body, account, region, parameters or {})
            transformed = True
        elif name == LANGUAGE_EXTENSIONS:
            if _uses_for_each(body.get("Resources")) or _uses_for_each(body.get("Outputs")):
                raise ValidationError(
                    "Template format error: Fn::ForEach (AWS::LanguageExtensions) is not supported by cloudlet"
                )
        else:
            raise ValidationError(f"No transform named {name} found.")
    if transforms:
        body = {k: v for k, v in body.items() if k != "Transform"}
    template = Template(body)
    validate_template(template)
    return template, transformed


def processed_json(template: Template) -> str:
    return json.dumps(template.body)
