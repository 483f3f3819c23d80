import re
from pathlib import Path

import botocore

from cloudlet.coverage import render

DOC = Path(__file__).parents[2] / "docs" / "COVERAGE.md"


def implemented(text: str) -> set[tuple[str, str]]:
    found, service = set(), ""
    for line in text.splitlines():
        if line.startswith("## "):
            service = line[3:].strip()
        elif line.startswith("- [x] "):
            found.add((service, line[6:].strip()))
    return found


def test_committed_coverage_doc_is_current() -> None:
    committed = DOC.read_text()
    version = re.search(r"botocore (\S+)'s", committed)
    if version and version.group(1) == botocore.__version__:
        assert committed == render(), "run `make coverage-doc`"
    else:
        # Another botocore adds or drops operations; what we implement must still match.
        assert implemented(committed) == implemented(render()), "run `make coverage-doc`"
