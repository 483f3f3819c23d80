"""AddPermission, RemovePermission and GetPolicy: a function's resource-based policy, stored
per qualifier. Statements are kept as AWS renders them; cloudlet does not enforce them."""

from __future__ import annotations

import json
import re
from typing import Any

from cloudlet.errors import ServiceError
from cloudlet.gateway.context import RequestContext
from cloudlet.ids import uuid4
from cloudlet.services.awslambda import names, store
from cloudlet.services.awslambda.core import LambdaCore, Target, revision_check
from cloudlet.services.awslambda.names import LATEST

Doc = dict[str, Any]

_SID = re.compile(r"^[a-zA-Z0-9-_]{1,100}$")
_ACTION = re.compile(r"^(lambda:[*]|lambda:[a-zA-Z]+|[*])$")


def _principal(value: str) -> Any:
    if value == "*":
        return "*"
    if re.fullmatch(r"\d{12}", value):
        return {"AWS": f"arn:aws:iam::{value}:root"}
    if value.startswith("arn:"):
        return {"AWS": value}
    return {"Service": value}


class PermissionOps(LambdaCore):
    def _policy_target(self, ctx: RequestContext, params: Doc) -> Target:
        t = self.target(ctx, params)
        self.require_function(t)
        if t.qualifier is not None:
            if t.qualifier == LATEST:
                pass
            elif t.qualifier.isdigit():
                if store.version(self.db, t.account, t.region, t.name, t.qualifier) is None:
                    raise names.function_not_found(t.qualified_arn)
            elif store.alias(self.db, t.account, t.region, t.name, t.qualifier) is None:
                raise names.function_not_found(t.qualified_arn)
        return t

    def add_permission(self, ctx: RequestContext, params: Doc) -> Doc:
        t = self._policy_target(ctx, params)
        sid = params.get("StatementId") or ""
        if not _SID.match(sid):
            raise names.validation(
                sid, "statementId", r"Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)"
            )
        action = params.get("Action") or ""
        if not _ACTION.match(action):
            raise names.validation(
                action,
                "action",
                r"Member must satisfy regular expression pattern: (lambda:[*]|lambda:[a-zA-Z]+|[*])",
            )
        statement: Doc = {
            "Sid": sid,
            "Effect": "Allow",
            "Principal": _principal(params.get("Principal") or ""),
            "Action": action,
            "Resource": t.qualified_arn if t.qualifier else t.arn,
        }
        condition: Doc = {}
        if params.get("SourceAccount"):
            condition.setdefault("StringEquals", {})["AWS:SourceAccount"] = params["SourceAccount"]
        if params.get("PrincipalOrgID"):
            condition.setdefault("StringEquals", {})["aws:PrincipalOrgID"] = params["PrincipalOrgID"]
        if params.get("EventSourceToken"):
            condition.setdefault("StringEquals", {})["lambda:EventSourceToken"] = params["EventSourceToken"]
        if params.get("FunctionUrlAuthType"):
            condition.setdefault("StringEquals", {})["lambda:FunctionUrlAuthType"] = params[
                "FunctionUrlAuthType"
            ]
        if params.get("SourceArn"):
            condition["ArnLike"] = {"AWS:SourceArn": params["SourceArn"]}
        if condition:
            statement["Condition"] = condition
        qualifier = t.qualifier or ""
        with self.db.write() as tx:
            existing = store.policy(tx, t.account, t.region, t.name, qualifier)
            statements, revision = existing if existing else ([], "")
            if existing:
                revision_check(params.get("RevisionId"), revision)
            if any(s.get("Sid") == sid for s in statements):
                raise names.conflict(
                    "The statement id ("
                    + sid
                    + ") provided already exists. Please provide a new statement id, "
                    "or remove the existing statement."
                )
            statements.append(statement)
            if len(json.dumps(statements)) > 20480:
                raise ServiceError(
                    "PolicyLengthExceededException",
                    "The final policy size (bytes) is bigger than the limit.",
                    400,
                )
            store.put_policy(tx, t.account, t.region, t.name, qualifier, statements, uuid4())
        return {"Statement": json.dumps(statement)}

    def remove_permission(self, ctx: RequestContext, params: Doc) -> Doc:
        t = self._policy_target(ctx, params)
        sid = params.get("StatementId") or ""
        qualifier = t.qualifier or ""
        with self.db.write() as tx:
            existing = store.policy(tx, t.account, t.region, t.name, qualifier)
            if existing is None:
                raise names.resource_not_found("No policy is associated with the given resource.")
            statements, revision = existing
            revision_check(params.get("RevisionId"), revision)
            kept = [s for s in statements if s.get("Sid") != sid]
            if len(kept) == len(statements):
                raise names.resource_not_found(f"Statement {sid} is not found in resource policy.")
            store.put_policy(tx, t.account, t.region, t.name, qualifier, kept, uuid4())
        return {}

    def get_policy(self, ctx: RequestContext, params: Doc) -> Doc:
        t = self._policy_target(ctx, params)
        existing = store.policy(self.db, t.account, t.region, t.name, t.qualifier or "")
        if existing is None:
            raise names.resource_not_found()
        statements, revision = existing
        policy = {"Version": "2012-10-17", "Id": "default", "Statement": statements}
        return {"Policy": json.dumps(policy), "RevisionId": revision}
