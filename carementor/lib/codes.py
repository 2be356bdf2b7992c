"""Opaque public identifiers: short, random, URL-safe, never sequential."""

import secrets
import string

ALPHABET = string.ascii_lowercase + string.digits


def new_code(length: int = 12) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))
