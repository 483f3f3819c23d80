"""STS: caller identity and temporary credentials on SQLite and the clock.

LIMITATIONS:
    - Credentials are not verified: any access key signs any request. GetCallerIdentity for a
      key cloudlet did not issue answers the root of the key's account (12 digits -> that
      account, else the default account); IAM users' access keys are not resolved to the user.
    - AssumeRole does not consult IAM: the role need not exist, its trust policy is not
      evaluated, and DurationSeconds is checked against 900..43200 (and the 1-hour limit of
      role chaining), not against the role's MaxSessionDuration. AssumedRoleId is a stable
      AROA id derived from the role ARN, not the RoleId IAM gave the role.
    - Session policies, tags, transitive tag keys, SourceIdentity, MFA and external ids are
      accepted and not enforced; PackedPolicySize is an estimate.
    - AssumeRoleWithWebIdentity reads the token's JWT claims (sub, aud, iss) without checking
      its signature, issuer or expiry.
    - Credentials past their Expiration answer ExpiredTokenException on GetCallerIdentity only;
      every other service accepts them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import secrets
from datetime import UTC, datetime
from typing import Any

from cloudlet.errors import ServiceError
from cloudlet.gateway.context import RequestContext
from cloudlet.services.base import Provider
from cloudlet.services.sts import store
from cloudlet.services.sts.store import Issued
from cloudlet.services.sts.validation import Constraints, check_policy, required, role_of, validation

_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
ROLE_CHAINING_LIMIT_S = 3600
KEEP_EXPIRED_S = 86_400  # expired credentials still answer ExpiredToken for a day


def unique_id(prefix: str, seed: str | None = None) -> str:
    """An AWS unique id: a 4-letter prefix and 17 base32 characters (21 in all)."""
    if seed is None:
        return prefix + "".join(secrets.choice(_ID_ALPHABET) for _ in range(17))
    digest = base64.b32encode(hashlib.sha256(seed.encode()).digest()).decode()
    return prefix + digest[:17]


class StsProvider(Provider):
    service = "sts"

    # -- identity ---------------------------------------------------------------------------
    def get_caller_identity(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        issued = self._issued(ctx)
        if issued is not None:
            return {"UserId": issued.user_id, "Account": issued.account, "Arn": issued.arn}
        return {"UserId": ctx.account, "Account": ctx.account, "Arn": f"arn:aws:iam::{ctx.account}:root"}

    def get_access_key_info(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        """The account of any access key: one cloudlet issued, a 12-digit key, else the default."""
        required(params, "AccessKeyId")
        key = str(params["AccessKeyId"])
        checks = Constraints()
        checks.length(key, "accessKeyId", 16, 128)
        checks.raise_any()
        issued = store.find(self.db, key) if key.startswith("ASIA") else None
        if issued is not None:
            return {"Account": issued.account}
        return {"Account": key if re.fullmatch(r"\d{12}", key) else self.env.settings.default_account}

    def _issued(self, ctx: RequestContext) -> Issued | None:
        """The temporary credentials the request was signed with, if cloudlet issued them."""
        if not ctx.access_key.startswith("ASIA"):
            return None
        issued = store.find(self.db, ctx.access_key)
        if issued is not None and issued.expires_at <= self.clock.now():
            raise ServiceError(
                "ExpiredTokenException", "The security token included in the request is expired"
            )
        return issued

    def _caller(self, ctx: RequestContext) -> tuple[str, str, str]:
        """(account, arn, user id) of the caller."""
        identity = self.get_caller_identity(ctx, {})
        return identity["Account"], identity["Arn"], identity["UserId"]

    # -- AssumeRole -------------------------------------------------------------------------
    def assume_role(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        required(params, "RoleArn", "RoleSessionName")
        duration = int(params.get("DurationSeconds", 3600))
        checks = Constraints()
        checks.length(params["RoleArn"], "roleArn", 20, 2048)
        checks.session_name(params["RoleSessionName"])
        checks.between(duration, "durationSeconds", 900, 43200)
        checks.length(params.get("ExternalId"), "externalId", 2, 1224)
        checks.length(params.get("SourceIdentity"), "sourceIdentity", 2, 64)
        checks.raise_any()
        account, role_name = role_of(str(params["RoleArn"]))
        packed = check_policy(params.get("Policy"))
        caller = self._issued(ctx)
        if caller is not None and ":assumed-role/" in caller.arn and duration > ROLE_CHAINING_LIMIT_S:
            # https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-role-chaining
            raise validation(
                "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."
            )
        session = str(params["RoleSessionName"])
        result = self._assumed(account, role_name, session, duration)
        if params.get("Policy") is not None or params.get("Tags"):
            result["PackedPolicySize"] = packed
        if params.get("SourceIdentity") is not None:
            result["SourceIdentity"] = params["SourceIdentity"]
        return result

    def assume_role_with_web_identity(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        required(params, "RoleArn", "RoleSessionName", "WebIdentityToken")
        duration = int(params.get("DurationSeconds", 3600))
        checks = Constraints()
        checks.length(params["RoleArn"], "roleArn", 20, 2048)
        checks.session_name(params["RoleSessionName"])
        checks.length(params["WebIdentityToken"], "webIdentityToken", 4, 20000)
        checks.between(duration, "durationSeconds", 900, 43200)
        checks.raise_any()
        account, role_name = role_of(str(params["RoleArn"]))
        check_policy(params.get("Policy"))
        claims = jwt_claims(str(params["WebIdentityToken"]))
        result = self._assumed(account, role_name, str(params["RoleSessionName"]), duration)
        audience = claims.get("aud")
        if isinstance(audience, list):
            audience = audience[0] if audience else None
        result["SubjectFromWebIdentityToken"] = str(claims.get("sub", ""))
        result["Provider"] = str(claims.get("iss", params.get("ProviderId") or ""))
        if audience is not None:
            result["Audience"] = str(audience)
        return result

    def _assumed(self, account: str, role_name: str, session: str, duration: int) -> dict[str, Any]:
        role_id = unique_id("AROA", f"{account}/{role_name}")
        arn = f"arn:aws:sts::{account}:assumed-role/{role_name}/{session}"
        user_id = f"{role_id}:{session}"
        return {
            "Credentials": self._issue(account, arn, user_id, duration),
            "AssumedRoleUser": {"AssumedRoleId": user_id, "Arn": arn},
        }

    # -- GetSessionToken --------------------------------------------------------------------
    def get_session_token(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        duration = int(params.get("DurationSeconds", 43200))
        checks = Constraints()
        checks.between(duration, "durationSeconds", 900, 129600)
        checks.length(params.get("SerialNumber"), "serialNumber", 9, 256)
        checks.raise_any()
        account, arn, user_id = self._caller(ctx)
        if ":assumed-role/" in arn:
            raise ServiceError("AccessDenied", "Cannot call GetSessionToken with session credentials", 403)
        return {"Credentials": self._issue(account, arn, user_id, duration)}

    # -- issuing ----------------------------------------------------------------------------
    def _issue(self, account: str, arn: str, user_id: str, duration: int) -> dict[str, Any]:
        now = self.clock.now()
        issued = Issued(
            access_key=unique_id("ASIA")[:20],
            secret_key=base64.b64encode(secrets.token_bytes(30)).decode(),
            session_token=base64.b64encode(b"cloudlet" + secrets.token_bytes(120)).decode(),
            account=account,
            arn=arn,
            user_id=user_id,
            issued_at=now,
            expires_at=float(int(now) + duration),
        )
        with self.db.write() as tx:
            store.forget_expired(tx, now - KEEP_EXPIRED_S)
            store.insert(tx, issued)
        return {
            "AccessKeyId": issued.access_key,
            "SecretAccessKey": issued.secret_key,
            "SessionToken": issued.session_token,
            "Expiration": datetime.fromtimestamp(issued.expires_at, UTC),
        }


def jwt_claims(token: str) -> dict[str, Any]:
    """The payload of a JWT (header.payload.signature), unverified."""
    parts = token.split(".")
    try:
        if len(parts) != 3:
            raise ValueError("not a JWT")
        payload = parts[1] + "=" * (-len(parts[1]) % 4)
        claims = json.loads(base64.urlsafe_b64decode(payload))
        if not isinstance(claims, dict):
            raise ValueError("not an object")
        return claims
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise ServiceError(
            "InvalidIdentityTokenException",
            "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)",
        ) from exc
