"""The provider uses the expression engine through its package facade only."""

from __future__ import annotations

import ast
from pathlib import Path

import cloudlet.services.dynamodb as dynamodb
import cloudlet.services.dynamodb.expressions as expressions

PACKAGE = "cloudlet.services.dynamodb.expressions"


def test_provider_modules_import_the_expressions_package_not_its_modules() -> None:
    offenders = []
    for module in sorted(Path(dynamodb.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(PACKAGE + "."):
                offenders.append(f"{module.name}: from {node.module} import ...")
    assert offenders == []


def test_the_facade_exports_what_it_lists() -> None:
    assert all(hasattr(expressions, name) for name in expressions.__all__)
