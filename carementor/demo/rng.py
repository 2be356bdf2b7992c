"""Deterministic randomness: the same seed and key always give the same values."""

import random

from carementor.lib.codes import ALPHABET


def rng_for(*key: object) -> random.Random:
    # A str seed is hashed with SHA-512 by random.seed, independent of PYTHONHASHSEED.
    return random.Random(":".join(str(part) for part in key))


def code_from(rng: random.Random, length: int = 12) -> str:
    """An opaque code like carementor.lib.codes.new_code, but reproducible."""
    return "".join(rng.choices(ALPHABET, k=length))


def stable_code(*key: object) -> str:
    return code_from(rng_for("code", *key))
