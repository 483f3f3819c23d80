"""DESIGN.md §2 as a test: who may import what."""

import ast
from pathlib import Path

SRC = Path(__file__).parents[2] / "src" / "cloudlet"


def imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def modules(folder: str = "") -> list[Path]:
    return sorted((SRC / folder).rglob("*.py"))


def test_only_storage_opens_sqlite() -> None:
    offenders = [
        p for p in modules() if "sqlite3" in imports(p) and "storage" not in p.relative_to(SRC).parts
    ]
    assert offenders == []


def test_only_protocol_touches_botocore_internals() -> None:
    # xform_name, model types and the exceptions boto3 clients raise are public enough
    allowed = {"botocore", "botocore.model", "botocore.exceptions"}
    allowed_dirs = {"protocol"}
    allowed_files = {"client.py", "coverage.py"}
    offenders = []
    for path in modules():
        rel = path.relative_to(SRC)
        if rel.parts[0] in allowed_dirs or rel.name in allowed_files and len(rel.parts) == 1:
            continue
        for name in imports(path):
            if name.startswith("botocore") and name not in allowed:
                offenders.append(f"{rel}: {name}")
    assert offenders == []


def test_services_import_neither_each_other_nor_runtime() -> None:
    offenders = []
    for path in modules("services"):
        rel = path.relative_to(SRC / "services")
        own = rel.parts[0] if len(rel.parts) > 1 else None
        for name in imports(path):
            if name.startswith("cloudlet.runtime"):
                offenders.append(f"{rel}: {name}")
            if name.startswith("cloudlet.services."):
                target = name.split(".")[2]
                if target not in {own, "base", "registry"}:
                    offenders.append(f"{rel}: {name}")
    assert offenders == []


def test_time_is_read_only_through_the_clock() -> None:
    banned = ("time.time(", "time.sleep(", "datetime.now(", "datetime.utcnow(")
    offenders = []
    for path in modules():
        rel = path.relative_to(SRC)
        if rel.name == "clock.py" or "workers" in rel.parts:
            continue
        text = path.read_text()
        offenders += [f"{rel}: {b}" for b in banned if b in text]
    assert offenders == []


def test_shared_engines_are_pure() -> None:
    """patterns/ and schedules/ serve several services: they import no service, runtime or storage."""
    offenders = []
    for folder in ("patterns", "schedules"):
        for path in modules(folder):
            for name in imports(path):
                if name.startswith(
                    ("cloudlet.services", "cloudlet.runtime", "cloudlet.storage", "cloudlet.gateway")
                ):
                    offenders.append(f"{path.relative_to(SRC)}: {name}")
    assert offenders == []
