"""The demo shows communities with a question answered, a labelled, a reported and a held post."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from carementor.communities.attachments import storage
from carementor.communities.models import (
    Appeal,
    Attachment,
    Chat,
    Community,
    HeldReason,
    Post,
    Report,
    Visibility,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def seed() -> None:
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO(), users=60, seed=3)


def test_demo_communities_are_realistic_and_idempotent() -> None:
    seed()
    assert Community.objects.filter(kind="open").count() == 3
    assert Community.objects.filter(kind="organization").count() == 1
    assert Community.objects.filter(kind="program").count() == 1
    answered = Post.objects.get(title="How did you prepare for the fellowship interview?")
    assert answered.accepted_answer is not None
    assert answered.accepted_answer.author.email == "vikram@example.org"
    assert Post.objects.filter(label="disputed").count() == 1
    assert Post.objects.filter(visibility=Visibility.HELD).count() == 2
    first = Post.objects.get(held_reason=HeldReason.NEW_ACCOUNT)
    assert first.author.email == "meena@example.org" and first.visibility == Visibility.HELD
    appeal = Appeal.objects.open().get()
    assert appeal.post.visibility == Visibility.HIDDEN and appeal.author == appeal.post.author
    (attachment,) = Attachment.objects.all()
    assert storage.read_bytes(attachment.storage_name).startswith(b"%PDF-")
    sheet = Post.objects.get(title="Our SBAR handover sheet")
    assert "/profiles/" in sheet.body_html and "@kavya</a>" in sheet.body_html
    assert Report.objects.open().count() == 1
    assert Post.objects.exclude(interest="none").count() == 1
    chat = Chat.objects.get()
    assert chat.ends_at < timezone.now() and chat.messages.count() == 4
    counts = (Community, Post, Report, Appeal, Attachment)
    before = [model.objects.count() for model in counts]
    seed()
    assert [model.objects.count() for model in counts] == before
