"""Plain HTTP request/response values passed between the gateway and the codec."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl


class Headers:
    """Case-insensitive, multi-valued HTTP headers; iteration yields (name, value) pairs."""

    __slots__ = ("_items", "_index")

    def __init__(self, items: Iterable[tuple[str, str]] = ()) -> None:
        self._items: list[tuple[str, str]] = []
        self._index: dict[str, str] = {}
        for name, value in items:
            self.add(name, value)

    def add(self, name: str, value: str) -> None:
        self._items.append((name, value))
        key = name.lower()
        self._index[key] = f"{self._index[key]},{value}" if key in self._index else value

    def get(self, name: str, default: str | None = None) -> str | None:
        return self._index.get(name.lower(), default)

    def __getitem__(self, name: str) -> str:
        return self._index[name.lower()]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._index

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._items)

    def items(self) -> list[tuple[str, str]]:
        return list(self._items)

    def __repr__(self) -> str:
        return f"Headers({self._items!r})"


@dataclass
class HttpRequest:
    method: str
    path: str  # percent-decoded path, e.g. "/000000000000/my-queue"
    query_string: str = ""  # raw, still percent-encoded
    headers: Headers = field(default_factory=Headers)
    body: bytes = b""
    raw_path: str = ""  # the path as sent, still percent-encoded ("" = same as path)
    host: str = ""  # Host header (without scheme)
    scheme: str = "http"

    @property
    def query(self) -> list[tuple[str, str]]:
        return parse_qsl(self.query_string, keep_blank_values=True)

    @property
    def url_root(self) -> str:
        """scheme://host of the request, for URLs we hand back (queue URLs)."""
        return f"{self.scheme}://{self.host}"


@dataclass
class HttpResponse:
    status: int = 200
    headers: Headers = field(default_factory=Headers)
    body: bytes = b""
