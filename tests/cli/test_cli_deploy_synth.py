"""CDK apps: the cdk.json `app` command run as `cdk synth` runs it (CDK_OUTDIR, context,
default environment), and the message when aws-cdk-lib is missing. No node needed: the
apps here are shell scripts writing a hand-made assembly."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cloudlet.deploy.assembly import load_assembly
from cloudlet.deploy.synth import CDK_MISSING, SynthError, app_command, synthesize
from harness import Server

FIXTURE = Path(__file__).parent.parent / "deploy" / "fixtures" / "cdk.out"
HAS_CDK = subprocess.run([sys.executable, "-c", "import aws_cdk"], capture_output=True).returncode == 0


def shell_app(root: Path, context: dict[str, object] | None = None) -> Path:
    """An 'app' that copies the fixture assembly to $CDK_OUTDIR and records its environment."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "synth.sh").write_text(
        f'cp -R "{FIXTURE}/." "$CDK_OUTDIR/"\n'
        'printf "%s\\n%s\\n%s\\n" "$CDK_DEFAULT_ACCOUNT" "$CDK_DEFAULT_REGION" "$CDK_CONTEXT_JSON" > env.txt\n'
    )
    (root / "cdk.json").write_text(json.dumps({"app": "sh synth.sh", "context": context or {}}))
    return root


def test_synthesize_runs_the_app_with_cdk_environment(tmp_path: Path) -> None:
    app = shell_app(tmp_path / "app", {"feature": True})
    (app / "cdk.context.json").write_text(json.dumps({"cached": "x", "feature": False}))
    out = synthesize(app, "123456789012", "eu-west-1")
    assert out == (app / "cdk.out").resolve()
    assert [s.stack_name for s in load_assembly(out).stacks] == ["AppStack", "ConsumerStack"]
    account, region, context = (app / "env.txt").read_text().splitlines()
    assert (account, region) == ("123456789012", "eu-west-1")
    given = json.loads(context)
    assert (given["cached"], given["feature"]) == ("x", True)  # cdk.json wins over the cache
    assert given["aws:cdk:enable-path-metadata"] is True  # as the cdk CLI passes it


def test_cdk_json_output_names_the_assembly_directory(tmp_path: Path) -> None:
    app = shell_app(tmp_path / "app")
    (app / "cdk.json").write_text(json.dumps({"app": "sh synth.sh", "output": "build/assembly"}))
    assert synthesize(app, "000000000000", "us-east-1") == (app / "build" / "assembly").resolve()


def test_a_failing_app_shows_its_output(tmp_path: Path) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "cdk.json").write_text(json.dumps({"app": "sh -c 'echo boom >&2; exit 3'"}))
    with pytest.raises(SynthError, match="failed \\(exit 3\\):\nboom"):
        synthesize(app, "000000000000", "us-east-1")


def test_an_app_that_writes_nothing(tmp_path: Path) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "cdk.json").write_text(json.dumps({"app": "true"}))
    with pytest.raises(SynthError, match="wrote no cloud assembly"):
        synthesize(app, "000000000000", "us-east-1")


def test_cdk_json_without_app(tmp_path: Path) -> None:
    (tmp_path / "cdk.json").write_text("{}")
    with pytest.raises(SynthError, match='has no "app" command'):
        synthesize(tmp_path, "000000000000", "us-east-1")


def test_non_python_commands_run_as_written(tmp_path: Path) -> None:
    assert app_command(tmp_path, "npx ts-node bin/app.ts") == "npx ts-node bin/app.ts"


def test_python_app_without_aws_cdk_lib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shim = tmp_path / "bin" / "python3"  # a python that cannot import aws_cdk
    shim.parent.mkdir()
    shim.write_text("#!/bin/sh\nexit 1\n")
    shim.chmod(0o755)
    monkeypatch.setenv("PATH", f"{shim.parent}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(SynthError) as caught:
        app_command(tmp_path, "python3 app.py", fallback_python=str(shim))
    assert str(caught.value) == CDK_MISSING


def test_python_app_falls_back_to_an_interpreter_with_aws_cdk_lib(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shim = tmp_path / "bin" / "python3"
    shim.parent.mkdir()
    shim.write_text('#!/bin/sh\n[ "$1" = "-c" ] && exit 1\nexec true\n')
    shim.chmod(0o755)
    able = tmp_path / "able" / "python"  # stands for the interpreter cloudlet[cdk] went into
    able.parent.mkdir()
    able.write_text("#!/bin/sh\nexit 0\n")
    able.chmod(0o755)
    monkeypatch.setenv("PATH", f"{shim.parent}{os.pathsep}{os.environ['PATH']}")
    assert (
        app_command(tmp_path, "python3 app.py --flag", fallback_python=str(able)) == f"{able} app.py --flag"
    )


@pytest.mark.skipif(HAS_CDK, reason="aws-cdk-lib is installed here")
def test_cli_says_how_to_get_aws_cdk_lib(server: Server, tmp_path: Path) -> None:
    (tmp_path / "cdk.json").write_text(json.dumps({"app": "python3 app.py"}))
    (tmp_path / "app.py").write_text("import aws_cdk\n")
    env = {**os.environ, "CLOUDLET_ENDPOINT": server.endpoint}
    result = subprocess.run(
        [sys.executable, "-m", "cloudlet", "deploy", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 1
    assert (
        "aws-cdk-lib is not installed: pip install 'cloudlet[cdk]' (needs node), or synthesize with "
        "`cdk synth` and deploy the cdk.out directory"
    ) in result.stdout
    assert not (tmp_path / "cdk.out").exists()


def test_a_directory_that_is_neither(server: Server, tmp_path: Path) -> None:
    env = {**os.environ, "CLOUDLET_ENDPOINT": server.endpoint}
    result = subprocess.run(
        [sys.executable, "-m", "cloudlet", "deploy", str(tmp_path)], capture_output=True, text=True, env=env
    )
    assert result.returncode == 2
    assert "is not a template file, a cdk.out directory or a CDK app" in result.stderr
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_cli_deploys_a_cdk_app_directory(server: Server, tmp_path: Path) -> None:
    app = shell_app(tmp_path / "app")
    env = {**os.environ, "CLOUDLET_ENDPOINT": server.endpoint, "AWS_ACCESS_KEY_ID": "test"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "cloudlet",
            "deploy",
            str(app),
            "--stack",
            "AppStack",
            "--region",
            "eu-west-1",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith(f"Synthesizing {app} ...\n")
    assert (app / "env.txt").read_text().splitlines()[:2] == ["000000000000", "eu-west-1"]
    assert "ConsumerStack" not in result.stdout
    cfn = server.client("cloudformation", region="eu-west-1")
    assert [s["StackName"] for s in cfn.describe_stacks()["Stacks"]] == ["AppStack"]
    assert "AppStack.QueueUrl = http" in result.stdout
