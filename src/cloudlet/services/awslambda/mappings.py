"""Event source mappings: Create/Get/List/Update/DeleteEventSourceMapping, stored here and
run by the runtime's pollers (an injected Pollers protocol)."""

from __future__ import annotations


class MappingOps:
    async def start_mappings(self) -> None:
        """Hand every stored mapping to the pollers."""
