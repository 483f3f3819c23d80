"""Helpers shared by the SNS tests."""

from __future__ import annotations

import base64
import json
import urllib.request
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from harness import Server


class Subscribed:
    """A queue subscribed to a topic."""

    def __init__(self, sqs: Any, url: str, arn: str, subscription_arn: str) -> None:
        self.sqs, self.url, self.arn, self.subscription_arn = sqs, url, arn, subscription_arn

    def receive(self, server: Server, n: int = 10) -> list[dict[str, Any]]:
        server.settle()
        messages: list[dict[str, Any]] = self.sqs.receive_message(
            QueueUrl=self.url, MaxNumberOfMessages=n, MessageAttributeNames=["All"], AttributeNames=["All"]
        ).get("Messages", [])
        return messages

    def bodies(self, server: Server) -> list[Any]:
        return [json.loads(m["Body"]) for m in self.receive(server)]


def error_of(excinfo: pytest.ExceptionInfo[Any]) -> tuple[str, str, int]:
    response = excinfo.value.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


def signed_string(note: dict[str, Any]) -> bytes:
    """ "Verifying the signatures of Amazon SNS messages": key, value, each on its own line."""
    keys = ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
    if note["Type"] != "Notification":
        keys = ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"]
    return "".join(f"{k}\n{note[k]}\n" for k in keys if k in note).encode()


def verify(note: dict[str, Any]) -> None:
    with urllib.request.urlopen(note["SigningCertURL"]) as response:
        cert = x509.load_pem_x509_certificate(response.read())
    algorithm = hashes.SHA256() if note["SignatureVersion"] == "2" else hashes.SHA1()
    key = cert.public_key()
    assert isinstance(key, rsa.RSAPublicKey)
    key.verify(base64.b64decode(note["Signature"]), signed_string(note), padding.PKCS1v15(), algorithm)
