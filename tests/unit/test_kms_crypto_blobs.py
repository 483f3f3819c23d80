"""Ciphertext blobs: AES-256-GCM sealed under a key, its id inside, context bound (pure)."""

from __future__ import annotations

import pytest

from cloudlet.services.kms import crypto

KEY_ID = "11111111-2222-3333-4444-555555555555"


def test_round_trip_and_binding() -> None:
    material = crypto.new_material()
    blob = crypto.seal(material, KEY_ID, b"secret", {"a": "1"})
    assert crypto.key_id_of(blob) == KEY_ID and b"secret" not in blob
    assert crypto.unseal(material, blob, {"a": "1"}) == b"secret"
    with pytest.raises(crypto.BadCiphertext):
        crypto.unseal(material, blob, {"a": "2"})
    with pytest.raises(crypto.BadCiphertext):
        crypto.unseal(crypto.new_material(), blob, {"a": "1"})
    with pytest.raises(crypto.BadCiphertext):
        crypto.key_id_of(b"\x02" + blob[1:])


def test_context_order_does_not_matter() -> None:
    material = crypto.new_material()
    blob = crypto.seal(material, KEY_ID, b"p", {"a": "1", "b": "2"})
    assert crypto.unseal(material, blob, {"b": "2", "a": "1"}) == b"p"
