"""A real S3-compatible server (moto's server mode, over HTTP on a free loopback port) for the
private storage tests; started once per test session (per xdist worker)."""

import secrets
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

REGION = "eu-west-2"
KEYS = {"aws_access_key_id": "carementor-test", "aws_secret_access_key": "carementor-secret"}


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def s3_client(endpoint: str) -> Any:
    return boto3.client("s3", endpoint_url=endpoint, region_name=REGION, **KEYS)


def s3_storage_settings(endpoint: str, bucket: str) -> dict[str, Any]:
    """What settings.py builds from the CAREMENTOR_S3_* variables."""
    from django.conf import settings

    assert settings.STORAGES["private"]["BACKEND"].endswith("PrivateFileSystemStorage")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint,
            "region_name": REGION,
            "access_key": KEYS["aws_access_key_id"],
            "secret_key": KEYS["aws_secret_access_key"],
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": True,
            "querystring_expire": 60,
            "signature_version": "s3v4",
            "addressing_style": "path",
        },
    }


def new_bucket(endpoint: str) -> str:
    bucket = f"cm-test-{secrets.token_hex(6)}"
    s3_client(endpoint).create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    return bucket


def bucket_keys(endpoint: str, bucket: str) -> list[str]:
    listing = s3_client(endpoint).list_objects_v2(Bucket=bucket)
    return sorted(item["Key"] for item in listing.get("Contents", []))


@pytest.fixture
def s3_bucket(settings, tmp_path, s3_endpoint):  # type: ignore[no-untyped-def]
    """A fresh, empty bucket that the "private" storage now uses; local disk points at an
    empty folder, so a test can check that nothing was written there."""
    bucket = new_bucket(s3_endpoint)
    settings.STORAGES = {
        **settings.STORAGES,
        "private": s3_storage_settings(s3_endpoint, bucket),
    }
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.CAREMENTOR_CLAMD_SOCKET = ""
    settings.CAREMENTOR_CLAMD_HOST = ""
    return bucket


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Run on_commit callbacks (file removal) as the block exits."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
