"""Value helpers shared by the resolver, parameters and conditions (pure)."""

from __future__ import annotations

from typing import Any, Final


class _NoValue:
    """What `Ref AWS::NoValue` evaluates to: the enclosing key or list item disappears."""

    _instance: _NoValue | None = None

    def __new__(cls) -> _NoValue:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "AWS::NoValue"

    def __bool__(self) -> bool:
        return False


NO_VALUE: Final = _NoValue()


def to_text(value: Any) -> str:
    """A scalar as CloudFormation's string form: booleans lowercase, numbers as written."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return str(value)


def strip_no_value(value: Any) -> Any:
    """Drop NO_VALUE keys and items all the way down (for values built outside the resolver)."""
    if isinstance(value, dict):
        return {k: strip_no_value(v) for k, v in value.items() if v is not NO_VALUE}
    if isinstance(value, list):
        return [strip_no_value(v) for v in value if v is not NO_VALUE]
    return value
