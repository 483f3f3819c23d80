"""Synthesizing a CDK app as `cdk synth` does: the `app` command of its cdk.json, run in the
app's directory with CDK_OUTDIR (where the cloud assembly goes), CDK_CONTEXT_JSON (cdk.json's
and cdk.context.json's context) and the default environment, then the assembly loaded.
https://docs.aws.amazon.com/cdk/v2/guide/apps.html#apps_cloud_assembly
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

CDK_MISSING = (
    "aws-cdk-lib is not installed: pip install 'cloudlet[cdk]' (needs node), "
    "or synthesize with `cdk synth` and deploy the cdk.out directory"
)


class SynthError(Exception):
    pass


def is_cdk_app(path: Path) -> bool:
    return path.is_dir() and (path / "cdk.json").is_file()


def read_cdk_json(app_dir: Path) -> dict[str, Any]:
    try:
        config = json.loads((app_dir / "cdk.json").read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise SynthError(f"{app_dir / 'cdk.json'} is not valid JSON: {error}") from None
    if not isinstance(config, dict) or not isinstance(config.get("app"), str):
        raise SynthError(f'{app_dir / "cdk.json"} has no "app" command')
    return config


def _is_python(program: str) -> bool:
    name = Path(program).name
    return name.startswith("python") or name == "py"


def _imports_cdk(python: str) -> bool:
    try:
        result = subprocess.run([python, "-c", "import aws_cdk"], capture_output=True, timeout=120)
    except OSError:
        return False
    return result.returncode == 0


def app_command(app_dir: Path, command: str, fallback_python: str = sys.executable) -> str:
    """The command to run. A Python app runs with the first interpreter that imports
    aws_cdk: the one the command names (as found on PATH), else this one (where
    `pip install 'cloudlet[cdk]'` puts it). Raises SynthError when neither does."""
    try:
        words = shlex.split(command)
    except ValueError:
        return command
    if not words or not _is_python(words[0]):
        return command
    named = shutil.which(words[0], path=os.environ.get("PATH")) or words[0]
    if _imports_cdk(named):
        return command
    if _imports_cdk(fallback_python):
        return shlex.join([fallback_python, *words[1:]])
    raise SynthError(CDK_MISSING)


# What the cdk CLI adds to every synthesis (construct paths and asset paths in the template
# metadata, the CDKMetadata resource, bundling for every stack), unless cdk.json says otherwise.
CLI_CONTEXT = {
    "aws:cdk:enable-path-metadata": True,
    "aws:cdk:enable-asset-metadata": True,
    "aws:cdk:version-reporting": True,
    "aws:cdk:bundling-stacks": ["**"],
}


def context_of(app_dir: Path, config: dict[str, Any]) -> dict[str, Any]:
    context: dict[str, Any] = dict(CLI_CONTEXT)
    cached = app_dir / "cdk.context.json"
    if cached.is_file():
        context.update(json.loads(cached.read_text(encoding="utf-8")))
    context.update(config.get("context") or {})
    return context


def synthesize(app_dir: Path, account: str, region: str, outdir: Path | None = None) -> Path:
    """Runs the app; returns the cloud assembly directory (cdk.json's `output`, else cdk.out)."""
    app_dir = app_dir.resolve()
    config = read_cdk_json(app_dir)
    command = app_command(app_dir, config["app"])
    out = (outdir or app_dir / str(config.get("output") or "cdk.out")).resolve()
    out.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "CDK_OUTDIR": str(out),
        "CDK_CONTEXT_JSON": json.dumps(context_of(app_dir, config)),
        "CDK_DEFAULT_ACCOUNT": account,
        "CDK_DEFAULT_REGION": region,
    }
    result = subprocess.run(command, shell=True, cwd=app_dir, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        output = (result.stderr or result.stdout).strip()
        if "No module named 'aws_cdk'" in output or "Cannot find module 'aws-cdk-lib'" in output:
            raise SynthError(CDK_MISSING)
        raise SynthError(f"`{config['app']}` failed (exit {result.returncode}):\n{output}")
    if not (out / "manifest.json").is_file():
        raise SynthError(f"`{config['app']}` wrote no cloud assembly to {out} (does it call app.synth()?)")
    return out
