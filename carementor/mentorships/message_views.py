"""The conversation page of a mentorship, and attachment downloads."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from carementor.audit.services import record_read
from carementor.credentials.multipart import strict_uploads, upload_problem
from carementor.credentials.uploads import UploadRejected, inspect_upload, read_upload
from carementor.lib.http import AuthedRequest
from carementor.lib.safeguards import IdentifiersFound, shown
from carementor.lib.worry import gentle_signpost, worrying_words
from carementor.mentorships import conversation
from carementor.mentorships.models import Message, MessageAttachment
from carementor.mentorships.permissions import get_mentorship_for
from carementor.mentorships.services import MentorshipError

PAGE_SIZE = 50


@login_required
@require_http_methods(["GET", "POST"])
@strict_uploads
def thread(request: AuthedRequest, code: str) -> HttpResponse:
    mentorship = get_mentorship_for(request.user, code, as_party=True)
    status = 200
    error = ""
    body = ""
    findings: list[dict[str, str]] = []
    if request.method == "POST":
        body = request.POST.get("body", "")
        try:
            problem = upload_problem(request)
            if problem is not None:
                raise problem
            upload = request.FILES.get("attachment")
            inspected = inspect_upload(upload.name or "", read_upload(upload)) if upload else None
            conversation.message_send(
                mentorship=mentorship,
                author=request.user,
                body=body,
                attachment=inspected,
                request=request,
                confirm_no_identifiers=request.POST.get("confirm_no_identifiers") == "on",
            )
        except IdentifiersFound as exc:
            error, status = exc.message, exc.status
            findings = shown(exc.findings, body.strip())
        except (UploadRejected, MentorshipError) as exc:
            error, status = exc.message, exc.status
        else:
            if worrying_words(body):
                messages.info(request, gentle_signpost())
            return redirect("mentorships:messages", mentorship.code)
    rows = (
        Message.objects.filter(mentorship=mentorship)
        .select_related("author")
        .prefetch_related("attachments")
        .order_by("-created_at", "-id")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    record_read(
        request.user,
        "message.read",
        mentorship,
        organization=mentorship.organization,
        request=request,
        detail={"page": page.number},
    )
    conversation.messages_mark_read(mentorship, request.user)
    return render(
        request,
        "mentorships/messages.html",
        {
            "mentorship": mentorship,
            "page": page,
            "items": list(reversed(page.object_list)),
            "error": error,
            "body": body,
            "findings": findings,
        },
        status=status,
    )


@login_required
@never_cache
@require_GET
def attachment(request: AuthedRequest, code: str, attachment_code: str) -> HttpResponseBase:
    mentorship = get_mentorship_for(request.user, code, as_party=True)
    found = (
        MessageAttachment.objects.filter(code=attachment_code, message__mentorship=mentorship)
        .select_related("message__mentorship__organization")
        .first()
    )
    if found is None:
        raise Http404
    return conversation.attachment_response(found, user=request.user, request=request)
