"""The PartiQL statements DynamoDB runs, as partiql_parser.py produces them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cloudlet.errors import ServiceError
from cloudlet.services.dynamodb.errors import validation
from cloudlet.services.dynamodb.expressions import Action, Condition, Path

Item = dict[str, Any]


@dataclass(frozen=True)
class Select:
    table: str
    index: str | None
    paths: tuple[Path, ...] | None  # None: *
    where: Condition | None
    order_by: Path | None = None
    descending: bool = False


@dataclass(frozen=True)
class Insert:
    table: str
    item: Item


@dataclass(frozen=True)
class Update:
    table: str
    actions: tuple[Action, ...]
    where: Condition | None
    returning: str | None  # ALL_OLD, UPDATED_OLD, ALL_NEW, UPDATED_NEW


@dataclass(frozen=True)
class Delete:
    table: str
    where: Condition | None
    returning: str | None


@dataclass(frozen=True)
class Exists:
    """EXISTS(SELECT ...): a transaction's condition check on the one item the SELECT's
    WHERE names by its full key (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ql-functions.exists.html)."""

    select: Select

    @property
    def table(self) -> str:
        return self.select.table


Statement = Select | Insert | Update | Delete | Exists


def malformed(detail: str) -> ServiceError:
    return validation(f"Statement wasn't well formed, can't be processed: {detail}")
