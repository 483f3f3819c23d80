"""CDK cloud assemblies (a `cdk.out` directory): stacks in dependency order, with their
templates and the file assets they need published first. Nothing is published here.

manifest.json lists artifacts: `aws:cloudformation:stack` (properties.templateFile,
stackName, parameters, tags), `cdk:asset-manifest` (properties.file: a *.assets.json whose
`files` give each asset's source {path, packaging: file|zip} and destinations
{bucketName, objectKey} with ${AWS::AccountId} / ${AWS::Region} / ${AWS::Partition}
placeholders), and `cdk:cloud-assembly` (a nested assembly, e.g. a Stage, in
properties.directoryName). https://github.com/aws/aws-cdk/tree/main/packages/%40aws-cdk/cloud-assembly-schema
"""

from __future__ import annotations

import fnmatch
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cloudlet.deploy.errors import ValidationError
from cloudlet.deploy.template import Template, load_template_file

STACK = "aws:cloudformation:stack"
ASSET_MANIFEST = "cdk:asset-manifest"
NESTED_ASSEMBLY = "cdk:cloud-assembly"


def substitute(text: str, account: str, region: str, partition: str = "aws") -> str:
    """Fill the placeholders CDK writes into asset destinations and role ARNs."""
    return (
        text.replace("${AWS::AccountId}", account)
        .replace("${AWS::Region}", region)
        .replace("${AWS::Partition}", partition)
    )


@dataclass(frozen=True)
class AssetDestination:
    bucket_name: str  # may hold placeholders: see `resolved`
    object_key: str
    region: str | None = None
    assume_role_arn: str | None = None

    def resolved(self, account: str, region: str, partition: str = "aws") -> AssetDestination:
        return AssetDestination(
            substitute(self.bucket_name, account, region, partition),
            substitute(self.object_key, account, region, partition),
            substitute(self.region, account, region, partition) if self.region else region,
            substitute(self.assume_role_arn, account, region, partition) if self.assume_role_arn else None,
        )


@dataclass(frozen=True)
class FileAsset:
    id: str  # the asset hash
    source: Path  # absolute: a directory (packaging "zip") or a file
    packaging: str  # "zip": zip the directory (or take a .zip file as is); "file": upload as is
    destinations: list[AssetDestination]
    display_name: str | None = None
    is_template: bool = False  # the stack's own template (CDK uploads it; a deploy may skip it)


@dataclass(frozen=True)
class DockerImageAsset:
    id: str
    directory: Path
    repository_name: str
    image_tag: str


@dataclass(frozen=True)
class StackArtifact:
    id: str  # the artifact id in manifest.json
    stack_name: str
    template: Template
    template_file: Path
    display_name: str
    account: str | None  # None where the environment is unknown-account / unknown-region
    region: str | None
    parameters: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    dependencies: list[str] = field(default_factory=list)  # ids of stacks deployed first
    assets: list[FileAsset] = field(default_factory=list)
    docker_images: list[DockerImageAsset] = field(default_factory=list)
    termination_protection: bool = False


@dataclass(frozen=True)
class CloudAssembly:
    directory: Path
    stacks: list[StackArtifact]  # dependency order

    def select(self, patterns: list[str] | None) -> list[StackArtifact]:
        """The stacks matching any pattern (stack name, artifact id or display path, with
        * wildcards, as the CDK CLI accepts), plus the stacks they depend on, in order."""
        if not patterns:
            return list(self.stacks)
        by_id = {stack.id: stack for stack in self.stacks}
        chosen: set[str] = set()
        for pattern in patterns:
            matches = [
                s
                for s in self.stacks
                if any(fnmatch.fnmatchcase(name, pattern) for name in (s.stack_name, s.id, s.display_name))
            ]
            if not matches:
                raise ValidationError(f"No stack found matching '{pattern}'")
            pending = [s.id for s in matches]
            while pending:
                current = pending.pop()
                if current not in chosen:
                    chosen.add(current)
                    pending += [d for d in by_id[current].dependencies if d in by_id]
        return [s for s in self.stacks if s.id in chosen]


def is_assembly(path: str | Path) -> bool:
    return (Path(path) / "manifest.json").is_file()


def load_assembly(directory: str | Path) -> CloudAssembly:
    root = Path(directory).resolve()
    stacks = _load_stacks(root)
    return CloudAssembly(root, _in_dependency_order(stacks))


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValidationError(f"Cloud assembly file not found: {path}") from None
    except json.JSONDecodeError as e:
        raise ValidationError(f"Cloud assembly file {path} is not valid JSON: {e}") from None
    if not isinstance(data, dict):
        raise ValidationError(f"Cloud assembly file {path} is not a JSON object")
    return data


def _load_stacks(root: Path) -> list[StackArtifact]:
    manifest = _read_json(root / "manifest.json")
    artifacts: dict[str, dict[str, Any]] = manifest.get("artifacts") or {}
    stacks: list[StackArtifact] = []
    for artifact_id, artifact in artifacts.items():
        kind = artifact.get("type")
        props = artifact.get("properties") or {}
        if kind == NESTED_ASSEMBLY:
            if not isinstance(props.get("directoryName"), str):
                raise ValidationError(f"Nested assembly {artifact_id} has no directoryName")
            stacks += _load_stacks(root / props["directoryName"])
        elif kind == STACK:
            stacks.append(_stack(root, artifact_id, artifact, artifacts))
    return stacks


def _stack(
    root: Path, artifact_id: str, artifact: dict[str, Any], artifacts: dict[str, Any]
) -> StackArtifact:
    props = artifact.get("properties") or {}
    if not isinstance(props.get("templateFile"), str):
        raise ValidationError(f"Stack artifact {artifact_id} in {root / 'manifest.json'} has no templateFile")
    template_file = root / props["templateFile"]
    account, region = _environment(artifact.get("environment", ""))
    stack_ids = [a for a, spec in artifacts.items() if spec.get("type") == STACK]
    dependencies = list(
        dict.fromkeys(
            list(artifact.get("dependencies") or []) + list(props.get("additionalDependencies") or [])
        )
    )
    assets: list[FileAsset] = []
    images: list[DockerImageAsset] = []
    for dependency in dependencies:
        spec = artifacts.get(dependency) or {}
        if spec.get("type") == ASSET_MANIFEST:
            file_assets, docker = _asset_manifest(root / spec["properties"]["file"], template_file)
            assets += file_assets
            images += docker
    return StackArtifact(
        id=artifact_id,
        stack_name=props.get("stackName") or artifact_id,
        template=_template(template_file),
        template_file=template_file,
        display_name=artifact.get("displayName") or artifact_id,
        account=account,
        region=region,
        parameters={k: str(v) for k, v in (props.get("parameters") or {}).items()},
        tags={k: str(v) for k, v in (props.get("tags") or {}).items()},
        dependencies=[d for d in dependencies if d in stack_ids],
        assets=assets,
        docker_images=images,
        termination_protection=bool(props.get("terminationProtection", False)),
    )


def _template(path: Path) -> Template:
    try:
        return load_template_file(path)
    except FileNotFoundError:
        raise ValidationError(f"Cloud assembly file not found: {path}") from None


def _environment(text: str) -> tuple[str | None, str | None]:
    """`aws://123456789012/us-east-1`; `unknown-account` / `unknown-region` mean the deploy's own."""
    if not text.startswith("aws://"):
        return None, None
    account, _, region = text[len("aws://") :].partition("/")
    return (
        None if account in ("", "unknown-account") else account,
        None if region in ("", "unknown-region") else region,
    )


def _asset_manifest(path: Path, template_file: Path) -> tuple[list[FileAsset], list[DockerImageAsset]]:
    manifest = _read_json(path)
    files: list[FileAsset] = []
    for asset_id, spec in (manifest.get("files") or {}).items():
        source = spec.get("source") or {}
        if "path" not in source:
            raise ValidationError(f"Asset {asset_id}: only assets with a source path are supported")
        source_path = (path.parent / source["path"]).resolve()
        destinations = [
            AssetDestination(
                bucket_name=d["bucketName"],
                object_key=d["objectKey"],
                region=d.get("region"),
                assume_role_arn=d.get("assumeRoleArn"),
            )
            for d in (spec.get("destinations") or {}).values()
        ]
        files.append(
            FileAsset(
                id=asset_id,
                source=source_path,
                packaging=source.get("packaging", "file"),
                destinations=destinations,
                display_name=spec.get("displayName"),
                is_template=source_path == template_file.resolve(),
            )
        )
    images: list[DockerImageAsset] = []
    for asset_id, spec in (manifest.get("dockerImages") or {}).items():
        destination: dict[str, Any] = next(iter((spec.get("destinations") or {}).values()), {})
        images.append(
            DockerImageAsset(
                id=asset_id,
                directory=(path.parent / (spec.get("source") or {}).get("directory", ".")).resolve(),
                repository_name=str(destination.get("repositoryName", "")),
                image_tag=str(destination.get("imageTag", "")),
            )
        )
    return files, images


def _in_dependency_order(stacks: list[StackArtifact]) -> list[StackArtifact]:
    by_id = {stack.id: stack for stack in stacks}
    ordered: list[StackArtifact] = []
    state: dict[str, str] = {}

    def visit(stack: StackArtifact, path: list[str]) -> None:
        if state.get(stack.id) == "done":
            return
        if state.get(stack.id) == "visiting":
            raise ValidationError(f"Circular dependency between stacks: [{', '.join(path + [stack.id])}]")
        state[stack.id] = "visiting"
        for dependency in stack.dependencies:
            if dependency in by_id:
                visit(by_id[dependency], path + [stack.id])
        state[stack.id] = "done"
        ordered.append(stack)

    for stack in stacks:
        visit(stack, [])
    return ordered
