"""Secrets CareMentor must read back (webhook signing secrets), encrypted at rest.

The key is derived from SECRET_KEY, so a database dump alone does not reveal them; rotating
SECRET_KEY means making new secrets (decrypting an old one raises ``InvalidToken``).
"""

import base64
import hashlib

from cryptography.fernet import Fernet
from django.conf import settings


def _fernet() -> Fernet:
    digest = hashlib.sha256(f"carementor.integrations:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(value: str) -> str:
    return _fernet().decrypt(value.encode()).decode()
