"""PutParameter, DeleteParameter(s), labels and tags."""

from __future__ import annotations

import re
from typing import Any

from cloudlet.errors import ServiceError
from cloudlet.gateway.context import RequestContext
from cloudlet.services.ssm import names, store
from cloudlet.services.ssm.core import DEFAULT_KEY, SsmCore
from cloudlet.services.ssm.store import Version

TYPES = ("String", "StringList", "SecureString")
TIERS = {"Standard": 4096, "Advanced": 8192, "Intelligent-Tiering": 8192}
DATA_TYPES = ("text", "aws:ec2:image", "aws:ssm:integration")
_AMI = re.compile(r"^ami-([0-9a-f]{8}|[0-9a-f]{17})$")
MAX_LABELS = 10
MAX_TAGS = 50


def _tags(raw: Any) -> dict[str, str]:
    return {str(t["Key"]): str(t.get("Value", "")) for t in raw or []}


def _tier(requested: Any, previous: Version | None, size: int) -> str:
    tier = str(requested or "")
    if tier and tier not in TIERS:
        raise names.validation(
            f"1 validation error detected: Value '{tier}' at 'tier' failed to satisfy constraint: Member must"
            " satisfy enum value set: [Standard, Advanced, Intelligent-Tiering]"
        )
    if tier == "Intelligent-Tiering":
        stays = previous is not None and previous.tier == "Advanced"  # never downgraded
        tier = "Standard" if size <= TIERS["Standard"] and not stays else "Advanced"
    if not tier:
        tier = previous.tier if previous is not None else "Standard"
    if tier == "Standard" and previous is not None and previous.tier == "Advanced":
        raise names.validation(
            "This parameter uses the advanced-parameter tier. You can't downgrade a parameter from the"
            " advanced-parameter tier to the standard-parameter tier. If necessary, you can delete the"
            " advanced parameter and recreate it as a standard parameter."
        )
    if size > TIERS[tier]:
        if tier == "Standard":
            raise names.validation(
                "Standard tier parameters support a maximum parameter value of 4096 characters. To create a"
                " larger parameter value, upgrade the parameter to use the advanced-parameter tier. For more"
                " information, see https://docs.aws.amazon.com/systems-manager/latest/userguide/"
                "parameter-store-advanced-parameters.html"
            )
        raise names.validation(
            "1 validation error detected: Value at 'value' failed to satisfy constraint: Member must have"
            " length less than or equal to 8192"
        )
    return tier


def _check_pattern(pattern: str | None, value: str) -> None:
    if not pattern:
        return
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise ServiceError(
            "InvalidAllowedPatternException", f"The allowed pattern {pattern} is not valid."
        ) from exc
    if not compiled.fullmatch(value):
        raise ServiceError(
            "ParameterPatternMismatchException",
            f"Parameter value, cannot be validated against allowedPattern: {pattern}",
        )


class WriteOperations(SsmCore):
    async def put_parameter(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        name = names.check_name(names.name_of(str(params.get("Name") or "")) or None)
        value = params.get("Value")
        if not isinstance(value, str) or not value:
            raise names.validation(
                "1 validation error detected: Value at 'value' failed to satisfy constraint:"
                " Member must have length greater than or equal to 1"
            )
        previous = store.latest(self.db, ctx.account, ctx.region, name)
        overwrite = bool(params.get("Overwrite"))
        tags = _tags(params.get("Tags"))
        if tags and overwrite:
            raise names.validation(
                "Invalid request: tags and overwrite can't be used together. To create a parameter with tags,"
                " please remove overwrite flag. To update tags on an existing parameter, please use"
                " AddTagsToResource or RemoveTagsFromResource."
            )
        if previous is not None and not overwrite:
            raise ServiceError(
                "ParameterAlreadyExists",
                "The parameter already exists. To overwrite this value, set the overwrite option in the"
                " request to true.",
            )
        kind = params.get("Type") or (previous.type if previous else None)
        if kind is None:
            raise names.validation("A parameter type is required when you create a parameter.")
        if kind not in TYPES:
            raise names.validation(
                f"1 validation error detected: Value '{kind}' at 'type' failed to satisfy constraint:"
                " Member must satisfy enum value set: [SecureString, StringList, String]"
            )
        data_type = str(params.get("DataType") or "text")
        if data_type not in DATA_TYPES:
            raise names.validation(
                f"The following data type is not supported: {data_type} (Data type names are all lowercase.)"
            )
        if data_type == "aws:ec2:image" and not _AMI.match(value):
            raise names.validation(
                f"Parameter value, {value}, is not a valid AMI ID. Verify the value and try again."
            )
        key_id = params.get("KeyId")
        if key_id and kind != "SecureString":
            raise names.validation("KeyId is required for SecureString type parameter only.")
        tier = _tier(params.get("Tier"), previous, len(value.encode("utf-8")))
        pattern = params.get("AllowedPattern")
        if pattern is None and previous is not None:
            pattern = previous.allowed_pattern
        _check_pattern(pattern, value)
        description = params.get("Description")
        if description is None and previous is not None:
            description = previous.description
        stored = value
        if kind == "SecureString":
            key_id = str(key_id or DEFAULT_KEY)
            stored = await self.encrypt(ctx, key_id, value, name)
        with self.db.write() as tx:
            latest = store.latest(tx, ctx.account, ctx.region, name)
            if latest is not None and not overwrite:
                raise ServiceError("ParameterAlreadyExists", "The parameter already exists.")
            version = 1 if latest is None else latest.version + 1
            if version > store.MAX_VERSIONS:
                oldest = store.versions(tx, ctx.account, ctx.region, name)[0]
                if oldest.version <= version - store.MAX_VERSIONS and oldest.labels:
                    raise ServiceError(
                        "ParameterMaxVersionLimitExceeded",
                        f"You attempted to create a new version of {name} by calling the PutParameter API"
                        f" with the overwrite flag. Version {oldest.version}, the oldest version, can't be"
                        " deleted because it has a label associated with it. Move the label to another"
                        " version of the parameter, and try again.",
                    )
            item = Version(
                name=name,
                version=version,
                type=str(kind),
                value=stored,
                key_id=str(key_id) if key_id else None,
                description=description,
                allowed_pattern=pattern,
                tier=tier,
                data_type=data_type,
                modified=self.clock.now(),
                user=self.user(ctx),
            )
            store.add_version(tx, ctx.account, ctx.region, item, tags)
        return {"Version": version, "Tier": tier}

    def delete_parameter(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        name = names.name_of(str(params.get("Name") or ""))
        with self.db.write() as tx:
            if not store.delete(tx, ctx.account, ctx.region, name):
                raise names.not_found(name)
        return {}

    def delete_parameters(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        given = [str(n) for n in params.get("Names") or []]
        if not 1 <= len(given) <= 10:
            raise names.validation(
                "1 validation error detected: Value at 'names' failed to satisfy constraint: Member must have"
                " length less than or equal to 10"
            )
        deleted: list[str] = []
        invalid: list[str] = []
        with self.db.write() as tx:
            for raw in given:
                gone = store.delete(tx, ctx.account, ctx.region, names.name_of(raw))
                (deleted if gone else invalid).append(raw)
        return {"DeletedParameters": deleted, "InvalidParameters": invalid}

    # -- labels ----------------------------------------------------------------------------
    def label_parameter_version(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        name = names.name_of(str(params.get("Name") or ""))
        labels = [str(label) for label in params.get("Labels") or []]
        if not 1 <= len(labels) <= MAX_LABELS:
            raise names.validation(
                "1 validation error detected: Value at 'labels' failed to satisfy constraint: Member must have"
                " length less than or equal to 10"
            )
        with self.db.write() as tx:
            every = store.versions(tx, ctx.account, ctx.region, name)
            if not every:
                raise names.not_found(name)
            number = params.get("ParameterVersion") or every[-1].version
            target = next((v for v in every if v.version == number), None)
            if target is None:
                raise names.version_not_found(name, number)
            valid = [label for label in labels if names.label_is_valid(label)]
            invalid = [label for label in labels if not names.label_is_valid(label)]
            new = list(dict.fromkeys([*target.labels, *valid]))
            if len(new) > MAX_LABELS:
                raise ServiceError(
                    "ParameterVersionLabelLimitExceeded",
                    "A parameter version can have maximum 10 labels.Move one or more labels to another version and try again.",
                )
            # A label names one version: labelling another version moves it.
            for other in every:
                if other.version != target.version and set(other.labels) & set(valid):
                    kept = [label for label in other.labels if label not in valid]
                    store.set_labels(tx, ctx.account, ctx.region, name, other.version, kept)
            store.set_labels(tx, ctx.account, ctx.region, name, target.version, new)
        return {"InvalidLabels": invalid, "ParameterVersion": target.version}

    def unlabel_parameter_version(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        name = names.name_of(str(params.get("Name") or ""))
        labels = [str(label) for label in params.get("Labels") or []]
        number = params.get("ParameterVersion")
        with self.db.write() as tx:
            every = store.versions(tx, ctx.account, ctx.region, name)
            if not every:
                raise names.not_found(name)
            target = next((v for v in every if v.version == number), None)
            if target is None:
                raise names.version_not_found(name, number)
            removed = [label for label in labels if label in target.labels]
            kept = [label for label in target.labels if label not in labels]
            store.set_labels(tx, ctx.account, ctx.region, name, target.version, kept)
        return {"RemovedLabels": removed, "InvalidLabels": [x for x in labels if x not in removed]}

    # -- tags ------------------------------------------------------------------------------
    def _tagged(self, ctx: RequestContext, params: dict[str, Any]) -> tuple[str, dict[str, str]]:
        kind = params.get("ResourceType")
        if kind != "Parameter":
            raise ServiceError("InvalidResourceType", f"cloudlet tags only Parameter resources, not {kind}.")
        name = names.name_of(str(params.get("ResourceId") or ""))
        current = store.tags(self.db, ctx.account, ctx.region, name)
        if current is None:
            raise ServiceError(
                "InvalidResourceId", "The resource ID is not valid. Verify the ID and try again."
            )
        return name, current

    def add_tags_to_resource(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        name, current = self._tagged(ctx, params)
        merged = {**current, **_tags(params.get("Tags"))}
        if len(merged) > MAX_TAGS:
            raise ServiceError("TooManyTagsError", "The Targets parameter includes too many tags.")
        with self.db.write() as tx:
            store.set_tags(tx, ctx.account, ctx.region, name, merged)
        return {}

    def remove_tags_from_resource(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        name, current = self._tagged(ctx, params)
        drop = {str(k) for k in params.get("TagKeys") or []}
        with self.db.write() as tx:
            store.set_tags(
                tx, ctx.account, ctx.region, name, {k: v for k, v in current.items() if k not in drop}
            )
        return {}

    def list_tags_for_resource(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        _, current = self._tagged(ctx, params)
        return {"TagList": [{"Key": k, "Value": v} for k, v in current.items()]}
