"""The key walk behind ListObjects: delimiters fold keys into common prefixes, max-keys counts both."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cloudlet.services.s3.listing import collect

KEYS = sorted(["a", "b/1", "b/2", "b/c/3", "c", "d/1"], key=str.encode)


def fetch(cursor: str, limit: int) -> Sequence[Any]:
    return [{"key": k} for k in KEYS if k > cursor][:limit]


def keys_and_prefixes(
    prefix: str = "", delimiter: str = "", after: str = "", max_keys: int = 1000
) -> tuple[list[str], list[str], bool]:
    def scoped(cursor: str, limit: int) -> Sequence[Any]:
        return [row for row in fetch(max(cursor, prefix), limit * 10) if row["key"].startswith(prefix)][
            :limit
        ]

    page = collect(scoped, prefix, delimiter, after, max_keys)
    return [r["key"] for r in page.rows], page.prefixes, page.truncated


def test_delimiter() -> None:
    assert keys_and_prefixes(delimiter="/") == (["a", "c"], ["b/", "d/"], False)
    assert keys_and_prefixes(prefix="b/", delimiter="/") == (["b/1", "b/2"], ["b/c/"], False)


def test_max_keys_counts_prefixes() -> None:
    assert keys_and_prefixes(delimiter="/", max_keys=2) == (["a"], ["b/"], True)
    assert keys_and_prefixes(max_keys=0) == ([], [], False)


def test_marker_on_a_common_prefix_skips_it() -> None:
    assert keys_and_prefixes(delimiter="/", after="b/") == (["c"], ["d/"], False)
