"""IAM instance profiles (one role each) and service-linked roles."""

from __future__ import annotations

import json
from typing import Any

from cloudlet.gateway.context import RequestContext
from cloudlet.services.iam import store
from cloudlet.services.iam.core import (
    already_exists,
    check_name,
    check_path,
    check_tags,
    delete_conflict,
    invalid_input,
    limit_exceeded,
    merge_tags,
    moment,
    no_such_entity,
    required,
    unique_id,
)
from cloudlet.services.iam.store import Row
from cloudlet.services.iam.users import UserOperations

# Role names AWS gives service-linked roles, for services whose name is not simply derived.
_LINKED_NAMES = {
    "autoscaling.amazonaws.com": "AWSServiceRoleForAutoScaling",
    "ecs.amazonaws.com": "AWSServiceRoleForECS",
    "elasticloadbalancing.amazonaws.com": "AWSServiceRoleForElasticLoadBalancing",
    "es.amazonaws.com": "AWSServiceRoleForAmazonElasticsearchService",
    "opensearchservice.amazonaws.com": "AWSServiceRoleForAmazonOpenSearchService",
    "rds.amazonaws.com": "AWSServiceRoleForRDS",
    "spot.amazonaws.com": "AWSServiceRoleForEC2Spot",
    "lambda.amazonaws.com": "AWSServiceRoleForLambda",
    "dynamodb.application-autoscaling.amazonaws.com": "AWSServiceRoleForApplicationAutoScaling_DynamoDBTable",
}


def linked_role_name(service: str) -> str:
    known = _LINKED_NAMES.get(service)
    if known:
        return known
    label = service.removesuffix(".amazonaws.com").replace("-", ".")
    return "AWSServiceRoleFor" + "".join(part[:1].upper() + part[1:] for part in label.split("."))


class ProfileOperations(UserOperations):
    def profile_named(self, ctx: RequestContext, name: Any) -> Row:
        return self.named(ctx, "iam_instance_profiles", name, f"Instance Profile {name} cannot be found.")

    def render_profile(self, ctx: RequestContext, row: Row) -> dict[str, Any]:
        roles = []
        if row["role_key"]:
            role = store.find(self.db, "iam_roles", ctx.account, str(row["role_key"]))
            if role is not None:
                roles.append(self.render_role(role, full=False))
        out: dict[str, Any] = {
            "Path": row["path"],
            "InstanceProfileName": row["name"],
            "InstanceProfileId": row["id"],
            "Arn": f"arn:aws:iam::{row['account']}:instance-profile{row['path']}{row['name']}",
            "CreateDate": moment(int(row["created"])),
            "Roles": roles,
        }
        tags = store.tags_of(row)
        if tags:
            out["Tags"] = tags
        return out

    def create_instance_profile(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        name = check_name(required(params, "InstanceProfileName"), "instanceProfileName", 128)
        path = check_path(params.get("Path"))
        tags = merge_tags([], check_tags(params.get("Tags")), "TagsPerInstanceProfile")
        with self.db.write() as tx:
            values = {
                "account": ctx.account,
                "name_key": name.lower(),
                "name": name,
                "id": unique_id("AIPA"),
                "path": path,
                "created": self.now(),
                "role_key": None,
                "tags": json.dumps(tags),
            }
            if not store.insert(tx, "iam_instance_profiles", values):
                raise already_exists(f"Instance Profile {name} already exists.")
        return {"InstanceProfile": self.render_profile(ctx, self.profile_named(ctx, name))}

    def get_instance_profile(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        row = self.profile_named(ctx, required(params, "InstanceProfileName"))
        return {"InstanceProfile": self.render_profile(ctx, row)}

    def list_instance_profiles(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self.list_page(
            ctx,
            "iam_instance_profiles",
            "InstanceProfiles",
            params,
            lambda row: self.render_profile(ctx, row),
        )

    def delete_instance_profile(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        row = self.profile_named(ctx, required(params, "InstanceProfileName"))
        if row["role_key"]:
            raise delete_conflict("Cannot delete entity, must remove roles from instance profile first.")
        with self.db.write() as tx:
            store.delete(tx, "iam_instance_profiles", ctx.account, str(row["name"]))
        return {}

    def add_role_to_instance_profile(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        row = self.profile_named(ctx, required(params, "InstanceProfileName"))
        role = self.role_named(ctx, required(params, "RoleName"))
        if row["role_key"]:
            raise limit_exceeded("Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1")
        with self.db.write() as tx:
            store.update(
                tx, "iam_instance_profiles", ctx.account, str(row["name"]), {"role_key": role["name_key"]}
            )
        return {}

    def remove_role_from_instance_profile(
        self, ctx: RequestContext, params: dict[str, Any]
    ) -> dict[str, Any]:
        row = self.profile_named(ctx, required(params, "InstanceProfileName"))
        role_name = str(required(params, "RoleName"))
        if row["role_key"] != role_name.lower():
            raise no_such_entity(f"The role with name {role_name} cannot be found.")
        with self.db.write() as tx:
            store.update(tx, "iam_instance_profiles", ctx.account, str(row["name"]), {"role_key": None})
        return {}

    def list_instance_profiles_for_role(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        role = self.role_named(ctx, required(params, "RoleName"))
        rows = self.db.all(
            "SELECT * FROM iam_instance_profiles WHERE account = ? AND role_key = ? ORDER BY name_key",
            (ctx.account, role["name_key"]),
        )
        return {"InstanceProfiles": [self.render_profile(ctx, row) for row in rows], "IsTruncated": False}

    # -- service-linked roles ---------------------------------------------------------------
    def create_service_linked_role(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        service = str(required(params, "AWSServiceName"))
        if not service.endswith(".amazonaws.com"):
            raise invalid_input(f"Service name {service} is not a valid service principal.")
        name = linked_role_name(service)
        if params.get("CustomSuffix"):
            name = f"{name}_{check_name(params['CustomSuffix'], 'customSuffix')}"
        trust = json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Principal": {"Service": [service]}, "Action": ["sts:AssumeRole"]}
                ],
            }
        )
        request: dict[str, Any] = {
            "RoleName": name,
            "Path": f"/aws-service-role/{service}/",
            "AssumeRolePolicyDocument": trust,
        }
        if params.get("Description") is not None:
            request["Description"] = params["Description"]
        if store.find(self.db, "iam_roles", ctx.account, name) is not None:
            raise invalid_input(
                f"Service role name {name} has been taken in this account, please try a different suffix."
            )
        return self.create_role(ctx, request)

    def delete_service_linked_role(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        role = self.role_named(ctx, required(params, "RoleName"))
        with self.db.write() as tx:
            tx.execute(
                "DELETE FROM iam_attachments WHERE account = ? AND kind = 'role' AND owner_key = ?",
                (ctx.account, role["name_key"]),
            )
            tx.execute(
                "DELETE FROM iam_role_policies WHERE account = ? AND role_key = ?",
                (ctx.account, role["name_key"]),
            )
            store.delete(tx, "iam_roles", ctx.account, str(role["name"]))
        return {
            "DeletionTaskId": f"task/aws-service-role/{role['path'].split('/')[2]}/{role['name']}/{unique_id('')}"
        }

    def get_service_linked_role_deletion_status(
        self, ctx: RequestContext, params: dict[str, Any]
    ) -> dict[str, Any]:
        required(params, "DeletionTaskId")
        return {"Status": "SUCCEEDED"}
