"""Resource handlers: dynamodb."""

from __future__ import annotations

from cloudlet.deploy.resources.base import ResourceHandler

HANDLERS: list[ResourceHandler] = []
