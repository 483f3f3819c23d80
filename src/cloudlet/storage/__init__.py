"""The only code that opens SQLite."""

from cloudlet.storage.db import Database, Transaction

__all__ = ["Database", "Transaction"]
