"""A tiny client for ClamAV's clamd INSTREAM protocol (optional antivirus hook).

Configure with ``CAREMENTOR_CLAMD_SOCKET`` (a Unix socket path) or ``CAREMENTOR_CLAMD_HOST``
(``host:port``), as Django settings or environment variables. With neither, files are marked
"not scanned" and are visible to reviewers at once.
"""

import os
import socket
import struct
from dataclasses import dataclass

from django.conf import settings

CHUNK = 64 * 1024
TIMEOUT_SECONDS = 15.0


class ScannerUnavailable(Exception):
    """clamd could not be reached or answered with an error: the file stays pending."""


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    signature: str = ""


def _setting(name: str) -> str:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, "")
    return str(value).strip()


def configured() -> bool:
    return bool(_setting("CAREMENTOR_CLAMD_SOCKET") or _setting("CAREMENTOR_CLAMD_HOST"))


def _connect() -> socket.socket:
    path = _setting("CAREMENTOR_CLAMD_SOCKET")
    if path:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(TIMEOUT_SECONDS)
        sock.connect(path)
        return sock
    host, _, port = _setting("CAREMENTOR_CLAMD_HOST").rpartition(":")
    if not host or not port.isdigit():
        raise ScannerUnavailable("CAREMENTOR_CLAMD_HOST must look like host:port")
    return socket.create_connection((host, int(port)), timeout=TIMEOUT_SECONDS)


def scan_bytes(data: bytes) -> ScanResult:
    """Stream the bytes to clamd. Raises ScannerUnavailable for anything but a clear answer."""
    try:
        with _connect() as sock:
            sock.sendall(b"zINSTREAM\0")
            for start in range(0, len(data), CHUNK):
                chunk = data[start : start + CHUNK]
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\0") and len(reply) < 4096:
                received = sock.recv(4096)
                if not received:
                    break
                reply += received
    except OSError as exc:
        raise ScannerUnavailable(str(exc)) from exc
    answer = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    if answer.endswith(": OK"):
        return ScanResult(clean=True)
    if answer.endswith(" FOUND"):
        signature = answer.split(":", 1)[-1].removesuffix(" FOUND").strip()
        return ScanResult(clean=False, signature=signature[:200])
    raise ScannerUnavailable(answer[:200] or "no answer")
