"""Pages: my check-ins and trend, taking a check-in, where to get help, sharing a summary with
a mentor, the organization's support contacts, and a programme's aggregate trend."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carementor.audit.services import record_read
from carementor.lib import worry
from carementor.lib.http import AuthedRequest
from carementor.wellbeing import helplines, trends, who5
from carementor.wellbeing.forms import CheckInForm, PreferenceForm, ShareForm, SupportContactsForm
from carementor.wellbeing.models import CheckIn, SharedSummary, SupportContacts
from carementor.wellbeing.permissions import (
    get_checkin_for,
    get_program_trend_for,
    get_share_for,
    get_support_organization_for,
)
from carementor.wellbeing.services import (
    WellbeingError,
    checkin_take,
    mentorships_to_share_with,
    preference_for,
    preference_set,
    summary_share,
    summary_withdraw,
    support_contacts_set,
)
from carementor.wellbeing.signposting import signposting_for

PAGE_SIZE = 20


def _share_choices(request: AuthedRequest) -> list[tuple[str, str]]:
    return [(m.code, m.title()) for m in mentorships_to_share_with(request.user)]


@login_required
@require_GET
def home(request: AuthedRequest) -> HttpResponse:
    rows = CheckIn.objects.of(request.user).only("code", "taken_at", "score", "burnout")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    points = trends.personal_points(request.user)
    shares = SharedSummary.objects.filter(owner=request.user).select_related("mentorship__program")
    template = "wellbeing/home.html"
    if getattr(request, "htmx", False):
        template += "#history"
    return render(
        request,
        template,
        {
            "page": page,
            "points": points,
            "chart": trends.personal_chart(points),
            "preference_form": PreferenceForm(
                initial={"monthly_invitation": preference_for(request.user).monthly_invitation}
            ),
            "share_form": ShareForm(choices=_share_choices(request)),
            "shares": shares[:10],
            "acknowledgement": who5.ACKNOWLEDGEMENT,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def take(request: AuthedRequest) -> HttpResponse:
    form = CheckInForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            checkin = checkin_take(
                user=request.user,
                answers=form.answers(),
                burnout=form.cleaned_data["burnout"],
                note=form.cleaned_data["note"],
                request=request,
            )
            return redirect("wellbeing:checkin", checkin.code)
        status = 422
    else:
        status = 200
    return render(
        request,
        "wellbeing/take.html",
        {"form": form, "stem": who5.STEM, "acknowledgement": who5.ACKNOWLEDGEMENT},
        status=status,
    )


@login_required
@require_GET
def checkin(request: AuthedRequest, code: str) -> HttpResponse:
    item = get_checkin_for(request.user, code)
    reading = item.reading()
    worrying = bool(worry.worrying_words(item.note))
    return render(
        request,
        "wellbeing/checkin.html",
        {
            "checkin": item,
            "reading": reading,
            "worrying": worrying,
            "signposting": signposting_for(request.user)
            if reading.needs_signposting or worrying
            else None,
            "answers": list(zip(who5.ITEMS, item.answers, strict=True)),
            "scale": dict(who5.SCALE),
            "burnout_text": dict(who5.BURNOUT_SCALE)[item.burnout],
            "who5": who5,
        },
    )


@login_required
@require_GET
def support(request: AuthedRequest) -> HttpResponse:
    mine = signposting_for(request.user)
    others = [h for h in helplines.HELPLINES if h not in mine.helplines]
    return render(
        request,
        "wellbeing/support.html",
        {
            "signposting": mine,
            "other_helplines": others,
            "country_names": helplines.COUNTRY_NAMES,
        },
    )


@login_required
@require_POST
def preferences(request: AuthedRequest) -> HttpResponse:
    form = PreferenceForm(request.POST)
    form.is_valid()
    preference_set(
        user=request.user, monthly_invitation=bool(form.cleaned_data.get("monthly_invitation"))
    )
    messages.success(request, _("Saved your check-in invitation preference."))
    return redirect("wellbeing:home")


@login_required
@require_POST
def share(request: AuthedRequest) -> HttpResponse:
    form = ShareForm(request.POST, choices=_share_choices(request))
    if not form.is_valid():
        messages.error(request, _("Choose one of your mentorships to share with."))
        return redirect("wellbeing:home")
    mentorship = mentorships_to_share_with(request.user).get(code=form.cleaned_data["mentorship"])
    try:
        shared = summary_share(
            owner=request.user,
            mentorship=mentorship,
            message=form.cleaned_data["message"],
            request=request,
        )
    except WellbeingError as exc:
        messages.error(request, exc.message)
        return redirect("wellbeing:home")
    messages.success(request, _("Shared a summary with your mentor."))
    return redirect("wellbeing:share", shared.code)


@login_required
@require_GET
def share_detail(request: AuthedRequest, code: str) -> HttpResponse:
    item = get_share_for(request.user, code)
    if item.owner_id != request.user.pk:
        record_read(
            request.user,
            "wellbeing.summary.read",
            item,
            organization=item.mentorship.organization,
            request=request,
        )
    return render(
        request,
        "wellbeing/share.html",
        {"share": item, "reading": item.reading(), "is_owner": item.owner_id == request.user.pk},
    )


@login_required
@require_POST
def share_withdraw(request: AuthedRequest, code: str) -> HttpResponse:
    item = get_share_for(request.user, code, owner_only=True)
    summary_withdraw(owner=request.user, share=item, request=request)
    messages.success(request, _("Withdrew the summary: your mentor no longer sees it."))
    return redirect("wellbeing:home")


@login_required
@require_GET
def shared_with_me(request: AuthedRequest) -> HttpResponse:
    rows = (
        SharedSummary.objects.filter(
            mentorship__parties__user=request.user, mentorship__parties__role="mentor"
        )
        .select_related("owner", "mentorship__program")
        .distinct()
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "wellbeing/shared_with_me.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def organization_support(request: AuthedRequest, code: str) -> HttpResponse:
    organization = get_support_organization_for(request.user, code, write=True)
    contacts = SupportContacts.objects.filter(organization=organization).first()
    form = SupportContactsForm(
        request.POST if request.method == "POST" else None, instance=contacts
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            support_contacts_set(
                organization=organization,
                actor=request.user,
                values={k: str(v) for k, v in form.cleaned_data.items()},
                request=request,
            )
            messages.success(request, _("Saved the support contacts."))
            return redirect("wellbeing:organization_support", organization.code)
        status = 422
    return render(
        request,
        "wellbeing/organization_support.html",
        {"organization": organization, "form": form, "contacts": contacts},
        status=status,
    )


@login_required
@require_GET
def program_trend(request: AuthedRequest, code: str) -> HttpResponse:
    program = get_program_trend_for(request.user, code)
    months = trends.program_months(program)
    record_read(
        request.user,
        "wellbeing.programme_trend.read",
        program,
        organization=program.organization,
        request=request,
    )
    return render(
        request,
        "wellbeing/program_trend.html",
        {
            "program": program,
            "months": months,
            "chart": trends.program_chart(months),
            "min_group": trends.MIN_GROUP,
        },
    )
