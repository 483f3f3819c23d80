"""`cloudlet deploy <path>`: a CDK app directory (synthesized first), a cloud assembly
(cdk.out) or a template file (JSON or YAML, SAM included: the server transforms it), deployed
to a running server as the cdk CLI deploys: assets published, CreateStack or UpdateStack,
one progress line per resource event, then the Outputs."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from cloudlet.cli.progress import (
    FAILED_STACK_STATUSES,
    StackProgress,
    cdk_names,
    describe,
    failure_lines,
    latest_event_id,
    server_errors,
    wait_for_stack,
)
from cloudlet.cli.remote import default_endpoint
from cloudlet.deploy.assembly import FileAsset, is_assembly, load_assembly
from cloudlet.deploy.errors import ValidationError
from cloudlet.deploy.package import package_template
from cloudlet.deploy.parameters import parse_overrides
from cloudlet.deploy.publish import Published, Publisher
from cloudlet.deploy.synth import SynthError, is_cdk_app, synthesize
from cloudlet.deploy.template import parse_template
from cloudlet.settings import DEFAULT_ACCOUNT

CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]
NO_UPDATES = "No updates are to be performed."
# A stack whose creation failed can only be deleted; cdk deploy deletes it and starts over.
RECREATE_STATUSES = frozenset({"ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "REVIEW_IN_PROGRESS"})


class DeployFailed(Exception):
    pass


@dataclass
class Target:
    """One stack to deploy."""

    name: str
    body_text: str
    body: dict[str, Any]
    parameters: dict[str, str]
    tags: dict[str, str] = field(default_factory=dict)
    assets: list[FileAsset] = field(default_factory=list)
    template_asset: FileAsset | None = None
    account: str | None = None  # the stack's own environment, when the assembly names one
    region: str | None = None
    only_declared: bool = False  # pass only the parameters the template declares
    base_dir: Path | None = None  # a template file's directory: local code paths are packaged
    docker_images: int = 0

    def processed(self, account: str, region: str) -> dict[str, Any] | None:
        """The template as the server will deploy it (SAM transformed here only to count and
        measure its resources); None when that cannot be known here."""
        from cloudlet.deploy import sam

        if not sam.is_sam(self.body):
            return self.body
        if not sam.available():
            return None
        try:
            return sam.translate(self.body, account, region)
        except ValidationError:
            return None  # the server will say why

    def resource_types(self, account: str, region: str) -> list[str] | None:
        body = self.processed(account, region)
        resources = body.get("Resources") if body is not None else None
        if not isinstance(resources, dict):
            return None
        return [str(r.get("Type", "")) for r in resources.values() if isinstance(r, dict)]


@dataclass
class DeployOptions:
    path: Path
    stacks: list[str] = field(default_factory=list)
    parameters: list[str] = field(default_factory=list)
    endpoint: str = field(default_factory=default_endpoint)
    region: str = "us-east-1"
    echo: Callable[[str], None] = print
    poll_seconds: float = 0.2


def clients(endpoint: str, region: str, account: str | None = None) -> tuple[Any, Any, str]:
    """CloudFormation and S3 clients, and the account they act in (as the server sees it)."""
    from cloudlet.client import http_client  # here: boto3 is slow to import for other commands

    key = account or os.environ.get("AWS_ACCESS_KEY_ID") or DEFAULT_ACCOUNT
    sts = http_client("sts", endpoint, key, region)
    actual = str(sts.get_caller_identity()["Account"])
    return (
        http_client("cloudformation", endpoint, key, region),
        http_client("s3", endpoint, key, region),
        actual,
    )


def targets(options: DeployOptions, account: str) -> list[Target]:
    path = options.path
    if path.is_file():
        name = options.stacks[0] if options.stacks else path.stem
        if len(options.stacks) > 1:
            raise click.UsageError("a template file deploys one stack: give one --stack")
        text = path.read_text(encoding="utf-8")
        body = parse_template(text)
        given = parse_overrides(options.parameters, name)
        return [Target(name, text, body, given, base_dir=path.resolve().parent)]
    if is_cdk_app(path) and not is_assembly(path):
        options.echo(f"Synthesizing {path} ...")
        path = synthesize(path, account, options.region)
    if not is_assembly(path):
        raise click.UsageError(f"{options.path} is not a template file, a cdk.out directory or a CDK app")
    assembly = load_assembly(path)
    found: list[Target] = []
    for stack in assembly.select(options.stacks or None):
        text = stack.template_file.read_text(encoding="utf-8")
        given = {**stack.parameters, **parse_overrides(options.parameters, stack.stack_name)}
        found.append(
            Target(
                name=stack.stack_name,
                body_text=text,
                body=stack.template.body,
                parameters=given,
                tags=stack.tags,
                assets=stack.assets,
                template_asset=next((a for a in stack.assets if a.is_template), None),
                account=stack.account,
                region=stack.region,
                only_declared=True,
                docker_images=len(stack.docker_images),
            )
        )
    return found


def run_deploy(options: DeployOptions) -> int:
    """Deploys every target in order; stops at the first failure. Returns the exit status."""
    echo = options.echo
    try:
        _, _, account = clients(options.endpoint, options.region)
        chosen = targets(options, account)
    except (SynthError, ValidationError, OSError, UnicodeDecodeError) as error:
        echo(f"error: {getattr(error, 'message', None) or error}")
        return 1
    started = time.monotonic()
    for index, target in enumerate(chosen, 1):
        try:
            deploy_stack(target, options, f"[{index}/{len(chosen)}]")
        except DeployFailed as error:
            echo(f"\n ❌  {target.name} failed: {error}")
            return 1
    if len(chosen) > 1:
        echo(f"✨  Total time: {time.monotonic() - started:.1f}s\n")
    return 0


def deploy_stack(target: Target, options: DeployOptions, position: str) -> None:
    echo = options.echo
    region = target.region or options.region
    cfn, s3, account = clients(options.endpoint, region, target.account)
    echo(f"{target.name}: deploying... {position}")
    if target.docker_images:
        raise DeployFailed("container image assets are not supported: cloudlet runs functions without Docker")
    started = time.monotonic()
    publisher = Publisher(s3, account, region)

    def report(published: Published) -> None:
        state = "published" if published.uploaded else "already published"
        echo(f"{target.name}: {state} s3://{published.bucket}/{published.key}")

    try:
        publisher.publish(target.assets, report)
        packaged = (
            package_template(target.body, target.base_dir, publisher, report) if target.base_dir else None
        )
    except (OSError, ValueError) as error:  # a missing source, an unknown packaging
        raise DeployFailed(str(error)) from None
    if packaged is not None:
        target.body, target.body_text = packaged, json.dumps(packaged, indent=1)
    template_argument = publisher.template_argument(target.body_text, target.name, target.template_asset)
    existing = describe(cfn, target.name)
    if existing is not None and existing["StackStatus"] in RECREATE_STATUSES:
        echo(f"{target.name}: deleting the stack left in {existing['StackStatus']} before creating it again")
        _delete_and_wait(cfn, target, existing, options)
        existing = None
    if existing is not None and existing["StackStatus"].endswith("_IN_PROGRESS"):
        raise DeployFailed(f"the stack is in {existing['StackStatus']} state and can not be updated")
    request: dict[str, Any] = {
        "StackName": target.name,
        "Parameters": _parameters(target, existing),
        "Capabilities": CAPABILITIES,
        **template_argument,
    }
    if target.tags:
        request["Tags"] = [{"Key": k, "Value": v} for k, v in target.tags.items()]
    since: str | None = None
    try:
        if existing is None:
            stack_id = cfn.create_stack(**request)["StackId"]
        else:
            since = latest_event_id(cfn, existing["StackId"])
            stack_id = cfn.update_stack(**request)["StackId"]
    except cfn.exceptions.ClientError as error:
        message = str(error.response.get("Error", {}).get("Message", error))
        if existing is not None and message == NO_UPDATES:
            echo(f"\n ✅  {target.name} (no changes)\n")
            _print_outputs(target.name, existing, echo)
            return
        raise DeployFailed(message) from None
    types = target.resource_types(account, region)
    progress = StackProgress(
        cfn,
        target.name,
        stack_id,
        len(types) + 1 if types is not None else None,
        echo,
        since_event_id=since,
        type_width=max([26, *(len(t) for t in types or [])]),
        names=cdk_names(target.body),
    )
    final = wait_for_stack(progress, options.poll_seconds)
    status = str((final or {}).get("StackStatus", "DELETE_COMPLETE"))
    if final is None or status in FAILED_STACK_STATUSES or not status.endswith("_COMPLETE"):
        reason = (final or {}).get("StackStatusReason")
        lines = [status + (f": {reason}" if reason else ""), *failure_lines(progress)]
        raise DeployFailed("\n".join(lines))
    echo(f"\n ✅  {target.name}\n")
    echo(f"✨  Deployment time: {time.monotonic() - started:.1f}s\n")
    _print_outputs(target.name, final, echo)


def _parameters(target: Target, existing: dict[str, Any] | None) -> list[dict[str, Any]]:
    declared = target.body.get("Parameters") or {}
    given = {k: v for k, v in target.parameters.items() if k in declared or not target.only_declared}
    result: list[dict[str, Any]] = [{"ParameterKey": k, "ParameterValue": v} for k, v in given.items()]
    # On update, a parameter with no new value and no Default keeps the stack's (as cdk deploy does).
    previous = {p["ParameterKey"] for p in (existing or {}).get("Parameters", [])}
    for key, spec in declared.items():
        if key not in given and key in previous and isinstance(spec, dict) and "Default" not in spec:
            result.append({"ParameterKey": key, "UsePreviousValue": True})
    return result


def _delete_and_wait(cfn: Any, target: Target, existing: dict[str, Any], options: DeployOptions) -> None:
    since = latest_event_id(cfn, existing["StackId"])
    cfn.delete_stack(StackName=existing["StackId"])
    progress = StackProgress(cfn, target.name, existing["StackId"], None, options.echo, since)
    final = wait_for_stack(progress, options.poll_seconds)
    if final is not None and final.get("StackStatus") != "DELETE_COMPLETE":
        raise DeployFailed(f"could not delete the stack: {final.get('StackStatus')}")


def _print_outputs(name: str, stack: dict[str, Any], echo: Callable[[str], None]) -> None:
    outputs = sorted(stack.get("Outputs") or [], key=lambda o: o["OutputKey"])
    if outputs:
        echo("Outputs:")
        for output in outputs:
            echo(f"{name}.{output['OutputKey']} = {output.get('OutputValue', '')}")
    echo("Stack ARN:")
    echo(str(stack.get("StackId", "")) + "\n")


def _region_default() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"


@click.command("deploy")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--stack", "stacks", multiple=True, help="Stack(s) to deploy (with their dependencies); * wildcards."
)
@click.option("--parameters", multiple=True, help="KEY=VALUE or STACK:KEY=VALUE (repeatable).")
@click.option("--region", default=_region_default, show_default="$AWS_REGION or us-east-1")
@click.option(
    "--endpoint", default=default_endpoint, show_default="$CLOUDLET_ENDPOINT, $AWS_ENDPOINT_URL or :4566"
)
def command(
    path: Path, stacks: tuple[str, ...], parameters: tuple[str, ...], region: str, endpoint: str
) -> None:
    """Deploy a CDK app directory, a cdk.out cloud assembly or a template file."""
    options = DeployOptions(path, list(stacks), list(parameters), endpoint, region, click.echo)
    with server_errors(endpoint):
        try:
            status = run_deploy(options)
        except KeyboardInterrupt:
            click.echo("\ninterrupted: the server carries on with the stack operation", err=True)
            status = 130
    sys.exit(status)
