"""What differs between the services that share the pattern engine."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

ALL_OPERATORS = frozenset(
    {"prefix", "suffix", "anything-but", "numeric", "exists", "cidr", "equals-ignore-case", "wildcard"}
)


@dataclass(frozen=True)
class Dialect:
    name: str
    numeric_min: Decimal
    numeric_max: Decimal
    decimal_places: int
    operators: frozenset[str] = ALL_OPERATORS
    nested: bool = True  # False: SNS MessageAttributes scope (attribute names are flat)
    max_keys: int | None = None
    max_combinations: int | None = None

    def range_message(self) -> str:
        # event-ruler concatenates Java doubles: "Value must be between -5.0E9 and 5.0E9, inclusive"
        low, high = (_java_double(v) for v in (self.numeric_min, self.numeric_max))
        return f"Value must be between {low} and {high}, inclusive"

    def precision_message(self) -> str:
        return f"Only values upto {self.decimal_places} decimals are supported"


def _java_double(value: Decimal) -> str:
    mantissa, exponent = f"{float(value):E}".split("E")
    return f"{float(mantissa)}E{int(exponent)}"


# Numeric matching "is limited to value between -5.0e9 and +5.0e9 inclusive, with ... 6 digits
# to the right of the decimal point" (event-ruler README, the engine behind EventBridge; older
# EventBridge user guide pages still say 1.0e9). Lambda event filtering runs the same rules.
EVENTBRIDGE = Dialect("eventbridge", Decimal("-5e9"), Decimal("5e9"), 6)
LAMBDA = EVENTBRIDGE

# SNS developer guide, "Filter policy constraints": -10^9 to 10^9 with five digits after the
# decimal point; at most 5 keys and 150 combinations. SNS documents no wildcard operator.
_SNS_OPERATORS = ALL_OPERATORS - {"wildcard"}
SNS_ATTRIBUTES = Dialect("sns-attributes", Decimal("-1e9"), Decimal("1e9"), 5, _SNS_OPERATORS, False, 5, 150)
SNS_BODY = Dialect("sns-body", Decimal("-1e9"), Decimal("1e9"), 5, _SNS_OPERATORS, True, 5, 150)
