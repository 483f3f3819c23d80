"""SNS's errors, by the model's shape names (the serializer writes their query codes)."""

from __future__ import annotations

from cloudlet.errors import ServiceError


def invalid_parameter(reason: str) -> ServiceError:
    return ServiceError("InvalidParameterException", f"Invalid parameter: {reason}")


def invalid_attributes(reason: str) -> ServiceError:
    return invalid_parameter(f"Attributes Reason: {reason}")


def topic_not_found() -> ServiceError:
    return ServiceError("NotFoundException", "Topic does not exist")


def subscription_not_found() -> ServiceError:
    return ServiceError("NotFoundException", "Subscription does not exist")


def resource_not_found() -> ServiceError:
    return ServiceError("ResourceNotFoundException", "Resource does not exist")


def not_supported(what: str) -> ServiceError:
    """Honest refusals (cloudlet sends no SMS, email or mobile push)."""
    return invalid_parameter(f"{what} (cloudlet does not deliver to it)")
