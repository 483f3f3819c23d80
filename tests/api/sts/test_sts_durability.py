"""Issued credentials live in SQLite: they still identify the role after a restart."""

from __future__ import annotations

import tempfile
from pathlib import Path

import boto3
from botocore.config import Config

from harness import Server


def test_assumed_role_credentials_survive_a_restart() -> None:
    with tempfile.TemporaryDirectory(prefix="cloudlet-sts-") as folder:
        first = Server(data_dir=Path(folder)).start()
        try:
            credentials = first.client("sts").assume_role(
                RoleArn="arn:aws:iam::123456789012:role/Durable", RoleSessionName="kept"
            )["Credentials"]
        finally:
            first.stop()
        second = Server(data_dir=Path(folder)).start()
        try:
            sts = boto3.client(
                "sts",
                endpoint_url=second.endpoint,
                region_name="us-east-1",
                aws_access_key_id=credentials["AccessKeyId"],
                aws_secret_access_key=credentials["SecretAccessKey"],
                aws_session_token=credentials["SessionToken"],
                config=Config(retries={"max_attempts": 1}),
            )
            identity = sts.get_caller_identity()
            assert identity["Arn"] == "arn:aws:sts::123456789012:assumed-role/Durable/kept"
            assert identity["Account"] == "123456789012"
        finally:
            second.stop()
