"""Sign-in throttling on the shared cache, so every web process sees the same counts."""

import hashlib

from django.core.cache import cache

MAX_FAILURES = 10
WINDOW_SECONDS = 15 * 60


def _key(email: str, address: str) -> str:
    digest = hashlib.sha256(f"{email.strip().lower()}|{address}".encode()).hexdigest()
    return f"login-failures:{digest}"  # hashed: the cache never holds an e-mail address


def login_is_locked(*, email: str, address: str) -> bool:
    return int(cache.get(_key(email, address), 0)) >= MAX_FAILURES


def login_failed(*, email: str, address: str) -> None:
    key = _key(email, address)
    if cache.add(key, 1, WINDOW_SECONDS):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)


def login_succeeded(*, email: str, address: str) -> None:
    cache.delete(_key(email, address))
