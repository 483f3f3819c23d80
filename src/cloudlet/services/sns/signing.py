"""The key SNS signs messages with, and its certificate (served at SigningCertURL).

One RSA key per data dir, made on first use and kept beside the database, so signatures stay
verifiable across restarts and resets. SignatureVersion 1 is SHA1withRSA, 2 is SHA256withRSA
("Verifying the signatures of Amazon SNS messages")."""

from __future__ import annotations

import base64
import datetime
import threading
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

KEY_FILE = "sns-signing-key.pem"
CERT_FILE = "sns-signing-cert.pem"


class Signer:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._lock = threading.Lock()
        self._key: rsa.RSAPrivateKey | None = None
        self._cert_pem: bytes = b""

    def _load(self) -> rsa.RSAPrivateKey:
        with self._lock:
            if self._key is not None:
                return self._key
            key_path, cert_path = self.data_dir / KEY_FILE, self.data_dir / CERT_FILE
            if key_path.exists() and cert_path.exists():
                loaded = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
                assert isinstance(loaded, rsa.RSAPrivateKey)
                self._key, self._cert_pem = loaded, cert_path.read_bytes()
                return loaded
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com")])
            start = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
            cert = (
                x509.CertificateBuilder()
                .subject_name(name)
                .issuer_name(name)
                .public_key(key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(start)
                .not_valid_after(start + datetime.timedelta(days=365 * 30))
                .sign(key, hashes.SHA256())
            )
            self.data_dir.mkdir(parents=True, exist_ok=True)
            key_path.write_bytes(
                key.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            )
            self._cert_pem = cert.public_bytes(serialization.Encoding.PEM)
            cert_path.write_bytes(self._cert_pem)
            self._key = key
            return key

    def certificate_pem(self) -> bytes:
        self._load()
        return self._cert_pem

    def sign(self, text: str, version: str) -> str:
        algorithm = hashes.SHA256() if version == "2" else hashes.SHA1()  # noqa: S303 - AWS's v1
        signature = self._load().sign(text.encode("utf-8"), padding.PKCS1v15(), algorithm)
        return base64.b64encode(signature).decode("ascii")
