"""Ciphertext blobs: AES-256-GCM under a key's material, with the key id inside (pure).

Layout: version byte 0x01, the 36-character key id, a 12-byte nonce, then the GCM
ciphertext and tag. The encryption context (sorted, canonical JSON) is the associated data,
so Decrypt fails unless it is given the same context, as AWS documents."""

from __future__ import annotations

import json
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = b"\x01"
KEY_ID_LEN = 36
NONCE_LEN = 12
HEADER_LEN = 1 + KEY_ID_LEN + NONCE_LEN


class BadCiphertext(ValueError):
    pass


def new_material() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def _aad(key_id: str, context: dict[str, str]) -> bytes:
    canonical = json.dumps(context, sort_keys=True, separators=(",", ":"))
    return key_id.encode("ascii") + canonical.encode("utf-8")


def seal(material: bytes, key_id: str, plaintext: bytes, context: dict[str, str]) -> bytes:
    nonce = os.urandom(NONCE_LEN)
    sealed = AESGCM(material).encrypt(nonce, plaintext, _aad(key_id, context))
    return VERSION + key_id.encode("ascii") + nonce + sealed


def key_id_of(blob: bytes) -> str:
    """The key a blob was sealed under; BadCiphertext if it is not one of ours."""
    if len(blob) < HEADER_LEN + 16 or blob[:1] != VERSION:
        raise BadCiphertext("not a cloudlet ciphertext blob")
    try:
        return blob[1 : 1 + KEY_ID_LEN].decode("ascii")
    except UnicodeDecodeError as exc:
        raise BadCiphertext("not a cloudlet ciphertext blob") from exc


def unseal(material: bytes, blob: bytes, context: dict[str, str]) -> bytes:
    key_id = key_id_of(blob)
    nonce = blob[1 + KEY_ID_LEN : HEADER_LEN]
    try:
        return AESGCM(material).decrypt(nonce, blob[HEADER_LEN:], _aad(key_id, context))
    except InvalidTag as exc:
        raise BadCiphertext("authentication failed") from exc
