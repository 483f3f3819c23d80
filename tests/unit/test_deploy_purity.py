"""The deploy core is pure: it imports no service, runtime, storage or gateway code, and
reads no clock (DESIGN.md §2: deploy is a client of the service APIs)."""

import ast
from pathlib import Path

CORE = (
    "template",
    "parameters",
    "intrinsics",
    "conditions",
    "graph",
    "names",
    "assembly",
    "values",
    "errors",
)
DEPLOY = Path(__file__).parents[2] / "src" / "cloudlet" / "deploy"


def test_the_core_imports_only_itself_and_errors() -> None:
    offenders = []
    for name in CORE:
        path = DEPLOY / f"{name}.py"
        for node in ast.walk(ast.parse(path.read_text())):
            modules = []
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                modules = [node.module]
            for module in modules:
                if module.startswith("cloudlet") and not module.startswith(
                    ("cloudlet.deploy", "cloudlet.errors")
                ):
                    offenders.append(f"{name}.py: {module}")
                if module in ("sqlite3", "time", "boto3", "botocore", "urllib.request", "socket"):
                    offenders.append(f"{name}.py: {module}")
    assert offenders == []
