"""Files on posts and comments: the evidence checks, metadata stripped from photos, and
downloads only for the post's readers."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from carementor.audit.models import AuditEvent
from carementor.communities.attachments import MAX_PER_ITEM, storage
from carementor.communities.models import Attachment, Comment, JoinPolicy, Post
from carementor.communities.tests.helpers import join, post
from carementor.credentials.tests.corpus import pdf


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return tmp_path / "private"


def stored(root):  # type: ignore[no-untyped-def]
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def phone_photo() -> bytes:
    """A 40 by 20 JPEG as a phone takes it: on its side (orientation 6), with a GPS position
    and the camera's make in its EXIF."""
    image = Image.new("RGB", (40, 20), "white")
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to view
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (12.0, 58.0, 0.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"ward 7 bed 3")
    return out.getvalue()


def test_a_post_with_a_photo_loses_its_metadata_and_keeps_its_orientation(
    login, meena, kavita, outsider, open_community, private_media
):
    join(open_community, meena)
    client = login(meena)
    upload = SimpleUploadedFile("wound-chart.jpg", phone_photo(), content_type="image/jpeg")
    response = client.post(
        f"/communities/{open_community.code}/posts/new/",
        {
            "kind": "discussion",
            "title": "Dressing chart we use",
            "body": "Our unit's dressing chart, as a photo.",
            "interest": "none",
            "attachment": upload,
        },
    )
    created = Post.objects.get()
    assert response.status_code == 302
    (attachment,) = Attachment.objects.filter(post=created)
    assert attachment.comment is None and attachment.uploaded_by == meena
    data = storage.read_bytes(attachment.storage_name)
    assert b"PhoneMaker" not in data and b"ward 7 bed 3" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (20, 40)  # turned upright
        assert not image.getexif()
    page = login(kavita).get(f"/communities/posts/{created.code}/").content.decode()
    assert f"/communities/files/{attachment.code}/" in page and "wound-chart.jpg" in page
    download = login(kavita).get(f"/communities/files/{attachment.code}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == data  # type: ignore[attr-defined]
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert login(outsider).get(f"/communities/files/{attachment.code}/").status_code == 200
    assert AuditEvent.objects.filter(action="communities.posted").count() == 1
    assert len(stored(private_media)) == 1


def test_a_hostile_file_is_refused_and_nothing_is_stored(
    login, meena, open_community, private_media
):
    join(open_community, meena)
    upload = SimpleUploadedFile("guide.pdf", b"<html><script>alert(1)</script>", "application/pdf")
    response = login(meena).post(
        f"/communities/{open_community.code}/posts/new/",
        {
            "kind": "discussion",
            "title": "Guide",
            "body": "See the attached guide.",
            "interest": "none",
            "attachment": upload,
        },
    )
    assert response.status_code == 422
    assert "not a PDF, PNG or JPEG" in response.content.decode()
    assert not Post.objects.exists() and not stored(private_media)


def test_a_post_refused_for_identifiers_keeps_no_file(login, meena, open_community, private_media):
    join(open_community, meena)
    response = login(meena).post(
        f"/communities/{open_community.code}/posts/new/",
        {
            "kind": "discussion",
            "title": "Chart",
            "body": "Patient Rajesh Kumar, MRN 12345678: see the chart.",
            "interest": "none",
            "attachment": SimpleUploadedFile("chart.pdf", pdf(), "application/pdf"),
        },
    )
    assert response.status_code == 422
    assert not Attachment.objects.exists() and not stored(private_media)


def test_files_of_a_members_only_community_stay_with_its_members(
    login, meena, kavita, outsider, private_media
):
    from carementor.communities import services

    private = services.community_create(
        actor=kavita, name="Closed ward", guidelines="Be kind.", join_policy=JoinPolicy.REQUEST
    )
    written = post(private, kavita, body="The protocol, attached.")
    client = login(kavita)
    answer = client.post(
        f"/api/v1/communities/posts/{written.code}/attachments",
        {"file": SimpleUploadedFile("protocol.pdf", pdf(), "application/pdf")},
    )
    assert answer.status_code == 201, answer.content
    code = answer.json()["code"]
    assert answer.json()["comment"] is None
    assert client.get(f"/api/v1/communities/attachments/{code}").status_code == 200
    for stranger in (meena, outsider):
        assert login(stranger).get(f"/communities/files/{code}/").status_code == 404
        assert login(stranger).get(f"/api/v1/communities/attachments/{code}").status_code == 404


def test_api_attaches_to_my_comment_only_and_counts_the_limit(
    login, meena, kavita, open_community, private_media
):
    join(open_community, meena)
    question = post(open_community, meena, kind="question")
    client = login(kavita)
    reply = client.post(
        f"/api/v1/communities/posts/{question.code}/comments",
        data=json.dumps({"body": "Our chart is attached."}),
        content_type="application/json",
    )
    comment = Comment.objects.get(code=reply.json()["code"])
    url = f"/api/v1/communities/posts/{question.code}/attachments"
    made = client.post(
        url,
        {
            "file": SimpleUploadedFile("chart.pdf", pdf(), "application/pdf"),
            "comment": comment.code,
        },
    )
    assert made.status_code == 201 and made.json()["comment"] == comment.code
    listed = login(meena).get(f"/api/v1/communities/posts/{question.code}/comments").json()
    assert [a["name"] for a in listed["items"][0]["attachments"]] == ["chart.pdf"]
    assert (
        login(meena).get(f"/api/v1/communities/posts/{question.code}").json()["attachments"] == []
    )
    not_mine = login(meena).post(
        url,
        {"file": SimpleUploadedFile("x.pdf", pdf(), "application/pdf"), "comment": comment.code},
    )
    assert not_mine.status_code == 403 and not_mine.json()["code"] == "not_the_author"
    client = login(kavita)  # the one test client, signed in as the comment's author again
    for _ in range(MAX_PER_ITEM - 1):
        client.post(
            url,
            {
                "file": SimpleUploadedFile("c.pdf", pdf(), "application/pdf"),
                "comment": comment.code,
            },
        )
    over = client.post(
        url,
        {"file": SimpleUploadedFile("c.pdf", pdf(), "application/pdf"), "comment": comment.code},
    )
    assert over.status_code == 422 and over.json()["code"] == "too_many_files"
    assert Attachment.objects.filter(comment=comment).count() == MAX_PER_ITEM
    assert len(stored(private_media)) == MAX_PER_ITEM
