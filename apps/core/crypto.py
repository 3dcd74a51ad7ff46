"""Envelope encryption for children's data (AES-256-GCM from `cryptography`).

Each child has a random data key. Data keys are stored wrapped (encrypted) by a master key
from the environment; rotating master keys re-wraps data keys without touching the data.
Destroying a child's wrapped key makes everything sealed with it unreadable for good.

Every ciphertext is bound to where it belongs (associated data: table, column and row), so
a ciphertext copied into another child's row, or another column, does not decrypt.

Keys come from HAVEN_MASTER_KEYS: comma-separated `id:base64` entries of 32-byte keys, the
first one current. HAVEN_SEARCH_KEY keys the search hashes. A development machine without
them gets keys generated once into its state folder; production must set both.
"""

import base64
import hmac
import os
import secrets
from dataclasses import dataclass
from functools import cache
from hashlib import sha256
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

FORMAT = b"\x01"  # ciphertext layout version: FORMAT | nonce(12) | ciphertext+tag
NONCE_BYTES = 12
KEY_BYTES = 32


class KeyUnavailable(Exception):
    """The data key was destroyed (the child was anonymised) or its master key is gone."""


class TamperedData(Exception):
    """A ciphertext does not belong where it was found, or was altered."""


@dataclass(frozen=True)
class MasterKey:
    key_id: str
    secret: bytes


def _decode_key(text: str, what: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError as exc:
        raise ImproperlyConfigured(f"{what} is not valid base64.") from exc
    if len(raw) != KEY_BYTES:
        raise ImproperlyConfigured(f"{what} must be {KEY_BYTES} bytes (base64 of 32 random bytes).")
    return raw


def new_key_text() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode().rstrip("=")


def _development_file(name: str, content: str) -> str:
    """A key generated once for this machine, kept beside the embedded database."""
    path = Path(settings.HAVEN_STATE_DIR) / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(content)
    return path.read_text().strip()


@cache
def master_keys() -> tuple[MasterKey, ...]:
    """The master keys, current first."""
    text = settings.HAVEN_MASTER_KEYS
    if not text:
        if not settings.HAVEN_DEVELOPMENT_KEYS_ALLOWED:
            raise ImproperlyConfigured("HAVEN_MASTER_KEYS is not set; production needs its master keys.")
        text = _development_file("master-keys", f"dev1:{new_key_text()}")
    keys = []
    for entry in text.split(","):
        key_id, _, encoded = entry.strip().partition(":")
        if not key_id or not encoded:
            raise ImproperlyConfigured("HAVEN_MASTER_KEYS entries look like id:base64key, separated by commas.")
        keys.append(MasterKey(key_id, _decode_key(encoded, f"Master key {key_id!r}")))
    if len({k.key_id for k in keys}) != len(keys):
        raise ImproperlyConfigured("HAVEN_MASTER_KEYS has two keys with the same id.")
    return tuple(keys)


@cache
def search_key() -> bytes:
    text = settings.HAVEN_SEARCH_KEY
    if not text:
        if not settings.HAVEN_DEVELOPMENT_KEYS_ALLOWED:
            raise ImproperlyConfigured("HAVEN_SEARCH_KEY is not set; production needs it.")
        text = _development_file("search-key", new_key_text())
    return _decode_key(text, "HAVEN_SEARCH_KEY")


def forget_cached_keys() -> None:
    """After the environment's keys change (rotation, tests)."""
    master_keys.cache_clear()
    search_key.cache_clear()


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def seal(key: bytes, plaintext: bytes, *, context: bytes) -> bytes:
    nonce = secrets.token_bytes(NONCE_BYTES)
    return FORMAT + nonce + AESGCM(key).encrypt(nonce, plaintext, FORMAT + context)


def unseal(key: bytes, sealed: bytes, *, context: bytes) -> bytes:
    if not sealed.startswith(FORMAT) or len(sealed) < 1 + NONCE_BYTES + 16:
        raise TamperedData("not a sealed value")
    nonce, body = sealed[1 : 1 + NONCE_BYTES], sealed[1 + NONCE_BYTES :]
    try:
        return AESGCM(key).decrypt(nonce, body, FORMAT + context)
    except InvalidTag as exc:
        raise TamperedData("sealed value does not belong here or was altered") from exc


def wrap(data_key: bytes, *, owner: bytes) -> tuple[str, bytes]:
    """Encrypt a data key with the current master key; returns (master key id, wrapped)."""
    current = master_keys()[0]
    return current.key_id, seal(current.secret, data_key, context=b"data-key:" + owner)


def unwrap(key_id: str, wrapped: bytes, *, owner: bytes) -> bytes:
    for master in master_keys():
        if master.key_id == key_id:
            return unseal(master.secret, wrapped, context=b"data-key:" + owner)
    raise KeyUnavailable(f"master key {key_id!r} is not configured")


def keyed_hash(value: str, *, purpose: str) -> int:
    """A stable, keyed 63-bit fingerprint for search: equal inputs match, nothing reverses."""
    digest = hmac.new(search_key(), f"{purpose}\x1f{value}".encode(), sha256).digest()
    return int.from_bytes(digest[:8], "big") >> 1


def keyed_hash32(value: str, *, purpose: str) -> int:
    """A signed 32-bit fingerprint, for integer arrays (PostgreSQL int4)."""
    digest = hmac.new(search_key(), f"{purpose}\x1f{value}".encode(), sha256).digest()
    return int.from_bytes(digest[:4], "big", signed=True)
