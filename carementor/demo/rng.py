"""Deterministic randomness: the same seed and key always give the same values."""

import bisect
import hashlib
import itertools
import random
from collections.abc import Iterable
from typing import Generic, TypeVar

from carementor.lib.codes import ALPHABET

T = TypeVar("T")


def rng_for(*key: object) -> random.Random:
    # A str seed is hashed with SHA-512 by random.seed, independent of PYTHONHASHSEED.
    return random.Random(":".join(str(part) for part in key))


def code_from(rng: random.Random, length: int = 12) -> str:
    """An opaque code like carementor.lib.codes.new_code, but reproducible."""
    return "".join(rng.choices(ALPHABET, k=length))


def stable_code(*key: object, length: int = 12) -> str:
    """An opaque code derived from a key (a hash, so cheaper than seeding a generator)."""
    digest = hashlib.blake2b(":".join(str(part) for part in key).encode(), digest_size=16)
    number = int.from_bytes(digest.digest(), "big")
    chars = []
    for _ in range(length):
        number, remainder = divmod(number, len(ALPHABET))
        chars.append(ALPHABET[remainder])
    return "".join(chars)


def stable_fraction(*key: object) -> float:
    """A number in [0, 1) derived from a key: a reproducible coin or pick, without a generator."""
    digest = hashlib.blake2b(":".join(str(part) for part in key).encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "big") / 2**64


class Weighted(Generic[T]):
    """A weighted choice prepared once; each pick is one random number and a bisection."""

    def __init__(self, options: Iterable[tuple[T, float]]) -> None:
        pairs = list(options)
        self.values = [value for value, _weight in pairs]
        self.cumulative = list(itertools.accumulate(weight for _value, weight in pairs))
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random) -> T:
        index = bisect.bisect(self.cumulative, rng.random() * self.total)
        return self.values[min(index, len(self.values) - 1)]
