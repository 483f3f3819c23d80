"""Put/Get/DeleteFunctionConcurrency and GetAccountSettings."""

from __future__ import annotations

from typing import Any

from cloudlet.gateway.context import RequestContext
from cloudlet.services.awslambda import code, names, store
from cloudlet.services.awslambda.core import LambdaCore

Doc = dict[str, Any]

# https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
ACCOUNT_CONCURRENCY = 1000  # unless Settings.lambda_concurrency says otherwise
MINIMUM_UNRESERVED = 100
TOTAL_CODE_SIZE = 80530636800  # 75 GB


class ConcurrencyOps(LambdaCore):
    def _account_concurrency(self) -> int:
        return int(getattr(self.env.settings, "lambda_concurrency", ACCOUNT_CONCURRENCY))

    def put_function_concurrency(self, ctx: RequestContext, params: Doc) -> Doc:
        t = self.target(ctx, params)
        if t.qualifier is not None:
            raise names.invalid(
                "This operation is permitted on Lambda functions only. Aliases and versions do not support this operation. Please specify either a function name or an unqualified function ARN."
            )
        self.require_function(t)
        value = params.get("ReservedConcurrentExecutions")
        # The model sets only a minimum; larger values fail the unreserved minimum below.
        names.check_range(value, "reservedConcurrentExecutions", 0, 2**31 - 1)
        assert isinstance(value, int)
        with self.db.write() as tx:
            others = store.reserved_total(tx, t.account, t.region, excluding=t.name)
            if self._account_concurrency() - others - value < MINIMUM_UNRESERVED:
                raise names.invalid(
                    "Specified ReservedConcurrentExecutions for function decreases account's "
                    f"UnreservedConcurrentExecution below its minimum value of [{MINIMUM_UNRESERVED}]."
                )
            store.set_concurrency(tx, t.account, t.region, t.name, value)
        return {"ReservedConcurrentExecutions": value}

    def get_function_concurrency(self, ctx: RequestContext, params: Doc) -> Doc:
        t = self.target(ctx, params)
        row = self.require_function(t)
        if row["reserved_concurrency"] is None:
            return {}
        return {"ReservedConcurrentExecutions": row["reserved_concurrency"]}

    def delete_function_concurrency(self, ctx: RequestContext, params: Doc) -> Doc:
        t = self.target(ctx, params)
        self.require_function(t)
        with self.db.write() as tx:
            store.set_concurrency(tx, t.account, t.region, t.name, None)
        return {}

    def get_account_settings(self, ctx: RequestContext, params: Doc) -> Doc:
        reserved = store.reserved_total(self.db, ctx.account, ctx.region)
        configs = store.all_versions(self.db, ctx.account, ctx.region, latest_only=False)
        functions = store.function_names(self.db, ctx.account, ctx.region)
        return {
            "AccountLimit": {
                "TotalCodeSize": TOTAL_CODE_SIZE,
                "CodeSizeUnzipped": code.UNZIPPED_LIMIT,
                "CodeSizeZipped": code.ZIPPED_LIMIT,
                "ConcurrentExecutions": self._account_concurrency(),
                "UnreservedConcurrentExecutions": self._account_concurrency() - reserved,
            },
            "AccountUsage": {
                "TotalCodeSize": sum(int(c.get("CodeSize") or 0) for c in configs),
                "FunctionCount": len(functions),
            },
        }
