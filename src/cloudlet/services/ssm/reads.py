"""GetParameter(s), GetParametersByPath, DescribeParameters, GetParameterHistory."""

from __future__ import annotations

from typing import Any

from cloudlet.errors import ServiceError
from cloudlet.gateway.context import RequestContext
from cloudlet.services.ssm import filters, names, store
from cloudlet.services.ssm.core import SsmCore, max_results, next_token, start_of
from cloudlet.services.ssm.store import Version


def _page(items: list[Any], params: dict[str, Any], largest: int) -> tuple[list[Any], dict[str, Any]]:
    size = max_results(params, largest)
    start = start_of(params)
    page = items[start : start + size]
    extra = {"NextToken": next_token(start + size)} if start + size < len(items) else {}
    return page, extra


class ReadOperations(SsmCore):
    async def get_parameter(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        name, selector = names.split_selector(params.get("Name"))
        item = self.find(ctx, name, selector)
        return {"Parameter": await self.render(ctx, item, bool(params.get("WithDecryption")), selector)}

    async def get_parameters(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        given = [str(n) for n in params.get("Names") or []]
        if not 1 <= len(given) <= 10:
            raise names.validation(
                "1 validation error detected: Value at 'names' failed to satisfy constraint: Member must have"
                " length less than or equal to 10"
            )
        found: list[dict[str, Any]] = []
        invalid: list[str] = []
        for raw in dict.fromkeys(given):
            name, selector = names.split_selector(raw)
            try:
                item = self.find(ctx, name, selector)
            except ServiceError:
                invalid.append(raw)
                continue
            found.append(await self.render(ctx, item, bool(params.get("WithDecryption")), selector))
        return {"Parameters": found, "InvalidParameters": invalid}

    async def get_parameters_by_path(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        path = params.get("Path")
        if not isinstance(path, str) or not path.startswith("/"):
            raise names.validation(
                "The parameter doesn't meet the parameter name requirements. The parameter name must begin"
                ' with a forward slash "/". It can\'t be prefixed with "aws" or "ssm" (case-insensitive).'
            )
        if len(path.strip("/").split("/")) > names.MAX_LEVELS:
            raise ServiceError(
                "HierarchyLevelLimitExceededException",
                f"A hierarchy can have a maximum of {names.MAX_LEVELS} levels.",
            )
        recursive = bool(params.get("Recursive"))
        wanted = filters.parse(params.get("ParameterFilters"), by_path=True)
        labels = next((f.values for f in wanted if f.key == "Label"), None)
        selected: list[Version] = []
        for latest in store.all_latest(self.db, ctx.account, ctx.region):
            if not names.under_path(latest.name, path, recursive):
                continue
            item = latest
            if labels is not None:
                # With a Label filter the labelled version is the one returned.
                every = store.versions(self.db, ctx.account, ctx.region, latest.name)
                labelled = [v for v in every if set(v.labels) & set(labels)]
                if not labelled:
                    continue
                item = labelled[-1]
            if filters.matches(item, {}, wanted, item.labels):
                selected.append(item)
        page, extra = _page(selected, params, 10)
        decrypt = bool(params.get("WithDecryption"))
        return {"Parameters": [await self.render(ctx, item, decrypt) for item in page], **extra}

    def describe_parameters(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("Filters") and params.get("ParameterFilters"):
            raise names.validation("You can use either Filters or ParameterFilters in a single request.")
        wanted = filters.parse(params.get("ParameterFilters"), by_path=False) + filters.parse_legacy(
            params.get("Filters")
        )
        tags = store.all_tags(self.db, ctx.account, ctx.region)
        selected = [
            item
            for item in store.all_latest(self.db, ctx.account, ctx.region)
            if filters.matches(item, tags.get(item.name, {}), wanted, [])
        ]
        page, extra = _page(selected, params, 50)
        return {"Parameters": [self.metadata(ctx, item) for item in page], **extra}

    async def get_parameter_history(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        name = names.name_of(str(params.get("Name") or ""))
        every = store.versions(self.db, ctx.account, ctx.region, name)
        if not every:
            raise names.not_found(name)
        page, extra = _page(every, params, 50)
        decrypt = bool(params.get("WithDecryption"))
        history = []
        for item in page:
            entry = self.metadata(ctx, item)
            del entry["ARN"]
            entry["Value"] = await self.value(ctx, item, decrypt)
            entry["Labels"] = item.labels
            history.append(entry)
        return {"Parameters": history, **extra}
