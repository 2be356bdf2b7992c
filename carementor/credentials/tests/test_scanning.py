"""The optional clamd hook, against a local stub speaking the INSTREAM protocol."""

import socket
import socketserver
import struct
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from carementor.audit.models import AuditEvent
from carementor.credentials import clamd
from carementor.credentials.models import EvidenceFile
from carementor.credentials.tests.corpus import pdf
from carementor.credentials.tests.helpers import add_evidence, make_credential, stored_files

EICAR_MARK = b"Registration certificate EICAR"


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        command = b""
        while not command.endswith(b"\0"):
            command += self.request.recv(1)
        assert command == b"zINSTREAM\0"
        data = b""
        while True:
            (size,) = struct.unpack("!L", self._read(4))
            if size == 0:
                break
            data += self._read(size)
        self.server.scanned.append(data)  # type: ignore[attr-defined]
        verdict = b"stream: Eicar-Test-Signature FOUND\0" if b"EICAR" in data else b"stream: OK\0"
        self.request.sendall(verdict)

    def _read(self, size: int) -> bytes:
        out = b""
        while len(out) < size:
            out += self.request.recv(size - len(out))
        return out


@pytest.fixture
def clamd_stub(settings):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Handler)
    server.scanned = []  # type: ignore[attr-defined]
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    settings.CAREMENTOR_CLAMD_HOST = f"127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def clamd_down(settings):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.CAREMENTOR_CLAMD_HOST = f"127.0.0.1:{port}"  # nothing listens there


def test_client_speaks_instream(clamd_stub):
    data = b"x" * 200_000  # more than one chunk
    assert clamd.scan_bytes(data).clean
    assert clamd_stub.scanned == [data]
    assert clamd.scan_bytes(b"EICAR") == clamd.ScanResult(
        clean=False, signature="Eicar-Test-Signature"
    )


def test_clean_upload_is_marked_clean(login, mentor, hospital, clamd_stub):
    credential = make_credential(mentor, hospital)
    response = login(mentor).post(
        f"/credentials/{credential.code}/evidence/", {"file": SimpleUploadedFile("gmc.pdf", pdf())}
    )
    assert response.status_code == 302
    assert EvidenceFile.objects.get().scan_status == EvidenceFile.Scan.CLEAN


def test_infected_upload_is_refused_and_nothing_stored(
    login, mentor, hospital, clamd_stub, private_media
):
    from carementor.credentials.sample_documents import certificate_pdf

    credential = make_credential(mentor, hospital)
    infected = certificate_pdf([EICAR_MARK.decode()])
    response = login(mentor).post(
        f"/credentials/{credential.code}/evidence/",
        {"file": SimpleUploadedFile("gmc.pdf", infected)},
    )
    assert response.status_code == 422
    assert "Eicar-Test-Signature" in response.content.decode()
    assert not EvidenceFile.objects.exists()
    assert stored_files(private_media) == []


def test_scanner_down_keeps_the_file_pending_and_hidden(
    login, api, mentor, reviewer, hospital, clamd_down
):
    credential = make_credential(mentor, hospital)
    login(mentor).post(
        f"/credentials/{credential.code}/evidence/", {"file": SimpleUploadedFile("gmc.pdf", pdf())}
    )
    evidence = EvidenceFile.objects.get()
    assert evidence.scan_status == EvidenceFile.Scan.PENDING
    page = login(reviewer).get(f"/credentials/review/{credential.code}/").content.decode()
    assert "gmc.pdf" not in page
    assert "waiting for the virus scan" in page

    call_command("credentials_scan_pending")
    evidence.refresh_from_db()
    assert evidence.scan_status == EvidenceFile.Scan.PENDING


def test_scan_pending_command_clears_and_removes(
    settings, mentor, hospital, clamd_stub, private_media, on_commit
):
    from carementor.credentials.sample_documents import certificate_pdf

    credential = make_credential(mentor, hospital)
    good = add_evidence(credential, scan_status=EvidenceFile.Scan.PENDING)
    bad = add_evidence(
        credential,
        scan_status=EvidenceFile.Scan.PENDING,
        data=certificate_pdf([EICAR_MARK.decode()]),
    )

    with on_commit():
        call_command("credentials_scan_pending")

    good.refresh_from_db()
    bad.refresh_from_db()
    assert good.scan_status == EvidenceFile.Scan.CLEAN
    assert bad.scan_status == EvidenceFile.Scan.INFECTED
    assert [path.name for path in stored_files(private_media)] == [good.storage_name]
    assert AuditEvent.objects.filter(action="credential.evidence_infected").count() == 1

    call_command("credentials_scan_pending")  # nothing pending: safe to run again
    assert EvidenceFile.objects.filter(scan_status=EvidenceFile.Scan.PENDING).count() == 0
