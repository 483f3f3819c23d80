"""KMS Encrypt, Decrypt and GenerateDataKey: real authenticated encryption."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from harness import Server


def code(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return str(exc.value.response["Error"]["Code"])


def test_encrypt_decrypt_round_trip_without_key_id(kms: Any) -> None:
    key = kms.create_key()["KeyMetadata"]
    out = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"secret")
    assert out["KeyId"] == key["Arn"] and b"secret" not in out["CiphertextBlob"]
    back = kms.decrypt(CiphertextBlob=out["CiphertextBlob"])
    assert back["Plaintext"] == b"secret" and back["KeyId"] == key["Arn"]
    again = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"secret")["CiphertextBlob"]
    assert again != out["CiphertextBlob"]  # a fresh nonce each time


def test_encryption_context_must_match(kms: Any) -> None:
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=key, Plaintext=b"p", EncryptionContext={"a": "1"})["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob, EncryptionContext={"a": "1"})["Plaintext"] == b"p"
    for context in ({}, {"a": "2"}, {"a": "1", "b": "2"}):
        with pytest.raises(ClientError) as exc:
            kms.decrypt(CiphertextBlob=blob, EncryptionContext=context)
        assert code(exc) == "InvalidCiphertextException"


def test_tampered_or_foreign_ciphertext_is_rejected(kms: Any) -> None:
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    blob = bytearray(kms.encrypt(KeyId=key, Plaintext=b"p")["CiphertextBlob"])
    blob[-1] ^= 1
    with pytest.raises(ClientError) as exc:
        kms.decrypt(CiphertextBlob=bytes(blob))
    assert code(exc) == "InvalidCiphertextException"
    with pytest.raises(ClientError) as exc:
        kms.decrypt(CiphertextBlob=b"not a blob at all, not at all, no")
    assert code(exc) == "InvalidCiphertextException"


def test_decrypt_with_the_wrong_key_id(kms: Any) -> None:
    one = kms.create_key()["KeyMetadata"]["KeyId"]
    two = kms.create_key()["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=one, Plaintext=b"p")["CiphertextBlob"]
    with pytest.raises(ClientError) as exc:
        kms.decrypt(CiphertextBlob=blob, KeyId=two)
    assert code(exc) == "IncorrectKeyException"
    assert kms.decrypt(CiphertextBlob=blob, KeyId=one)["Plaintext"] == b"p"


def test_keys_are_per_account(kms: Any, server: Server) -> None:
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=key, Plaintext=b"p")["CiphertextBlob"]
    other = server.client("kms", access_key="111122223333")
    with pytest.raises(ClientError) as exc:
        other.describe_key(KeyId=key)
    assert code(exc) == "NotFoundException"
    with pytest.raises(ClientError) as exc:
        other.decrypt(CiphertextBlob=blob)
    assert code(exc) == "InvalidCiphertextException"


def test_generate_data_key_is_usable_for_envelope_encryption(kms: Any) -> None:
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    out = kms.generate_data_key(KeyId=key, KeySpec="AES_256", EncryptionContext={"f": "x"})
    assert len(out["Plaintext"]) == 32
    nonce = b"\0" * 12
    sealed = AESGCM(out["Plaintext"]).encrypt(nonce, b"data", None)
    recovered = kms.decrypt(CiphertextBlob=out["CiphertextBlob"], EncryptionContext={"f": "x"})["Plaintext"]
    assert AESGCM(recovered).decrypt(nonce, sealed, None) == b"data"
    assert len(kms.generate_data_key(KeyId=key, KeySpec="AES_128")["Plaintext"]) == 16
    assert len(kms.generate_data_key(KeyId=key, NumberOfBytes=7)["Plaintext"]) == 7
    without = kms.generate_data_key_without_plaintext(KeyId=key, KeySpec="AES_256")
    assert "Plaintext" not in without
    with pytest.raises(ClientError) as exc:
        kms.generate_data_key(KeyId=key)
    assert code(exc) == "ValidationException"
    with pytest.raises(ClientError) as exc:
        kms.generate_data_key(KeyId=key, KeySpec="AES_256", NumberOfBytes=32)
    assert code(exc) == "ValidationException"


def test_plaintext_limit(kms: Any) -> None:
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.encrypt(KeyId=key, Plaintext=b"x" * 4096)
    with pytest.raises(ClientError) as exc:
        kms.encrypt(KeyId=key, Plaintext=b"x" * 4097)
    assert code(exc) == "ValidationException"


def test_cli_encrypt_decrypt(server: Server) -> None:
    key = json.loads(server.aws("kms", "create-key").stdout)["KeyMetadata"]["KeyId"]
    source = server.data_dir / "plain.bin"
    source.write_bytes(b"hello")
    out = json.loads(server.aws("kms", "encrypt", "--key-id", key, "--plaintext", f"fileb://{source}").stdout)
    blob = base64.b64decode(out["CiphertextBlob"])
    path = server.data_dir / "blob.bin"
    path.write_bytes(blob)
    back = json.loads(server.aws("kms", "decrypt", "--ciphertext-blob", f"fileb://{path}").stdout)
    assert base64.b64decode(back["Plaintext"]) == b"hello"
