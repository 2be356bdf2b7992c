"""The open network's pages: home, search, asking, the mentor's offer, saved searches,
blocking and reporting, private ratings, the organization's policy and the staff view."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carementor.accounts.models import User
from carementor.lib.http import AuthedRequest
from carementor.matching.mentorships_bridge import roles_at_limit
from carementor.matching.services import MatchError
from carementor.mentorships.permissions import get_mentorship_for
from carementor.network import services
from carementor.network.forms import OfferForm, RatingForm, ReportForm
from carementor.network.models import Block, MentorOffer, OrganizationPolicy, Report, SavedSearch
from carementor.network.search import clean_filters, search, vocabulary_for_filters
from carementor.network.services import NetworkError
from carementor.organizations.models import Membership, Role
from carementor.organizations.permissions import get_organization_for
from carementor.profiles.roles import ROLES, role_definition

PAGE_SIZE = 25


@login_required
@require_GET
def home(request: AuthedRequest) -> HttpResponse:
    user = request.user
    offer = MentorOffer.objects.filter(user=user).first()
    return render(
        request,
        "network/home.html",
        {
            "roles": list(ROLES.values()),
            "missing": services.missing_for_network(user),
            "offer": offer,
            "offer_refusal": "" if offer else services.offer_refusal(user),
            "rateable": list(services.rateable(user).select_related("program")[:10]),
            "has_organization": Membership.objects.filter(user=user).exists(),
        },
    )


@login_required
@require_GET
def mentor_search(request: AuthedRequest) -> HttpResponse:
    missing = services.missing_for_network(request.user)
    filters = clean_filters(request.GET.dict())
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 1
    result = None if missing else search(request.user, filters, page=page)
    return render(
        request,
        "network/search.html",
        {
            "missing": missing,
            "filters": filters,
            "result": result,
            "query": urlencode(filters),
            **vocabulary_for_filters(),
        },
    )


def _network_mentor(code: str, viewer: User) -> tuple[User, MentorOffer]:
    offer = (
        MentorOffer.objects.select_related("user__profile")
        .filter(user__code=code, is_active=True, user__is_active=True)
        .first()
    )
    if offer is None or offer.user_id == viewer.pk or services.blocked_between(viewer, offer.user):
        raise Http404
    return offer.user, offer


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request: AuthedRequest, user_code: str) -> HttpResponse:
    mentor, offer = _network_mentor(user_code, request.user)
    program = services.network_program()
    full = set(roles_at_limit(program, request.user))
    roles = [role_definition(r) for r in offer.roles if r not in full]
    error, status = "", 200
    if request.method == "POST":
        try:
            found = services.request_send(
                mentee=request.user,
                mentor=mentor,
                role=request.POST.get("role", ""),
                note=request.POST.get("note", ""),
            )
        except (NetworkError, MatchError) as exc:
            error, status = exc.message, exc.status
        else:
            messages.success(request, _("Request sent."))
            return redirect("programs:request_detail", found.code)
    return render(
        request,
        "network/request_new.html",
        {
            "mentor": mentor,
            "offer": offer,
            "roles": roles,
            "full_roles": [role_definition(r) for r in full if r in offer.roles],
            "error": error,
            "note": request.POST.get("note", ""),
            "selected": request.POST.get("role") or request.GET.get("role", ""),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def offer_edit(request: AuthedRequest) -> HttpResponse:
    offer = MentorOffer.objects.filter(user=request.user).first()
    form = OfferForm(request.POST or None, initial=OfferForm.initial_for(offer))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.offer_set(
                    user=request.user,
                    roles=data["roles"],
                    capacity=data["capacity"],
                    online=data["online"],
                    in_person=data["in_person"],
                    regions=data["regions"],
                    topics=[c.code for c in data["topics"]],
                    languages=[lang.code for lang in data["languages"]],
                    countries=[c.code for c in data["countries"]],
                    is_active=data["is_active"],
                )
            except NetworkError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(request, _("Your offer is saved."))
                return redirect("network:home")
        else:
            status = 422
    return render(
        request,
        "network/offer.html",
        {"form": form, "offer": offer, "refusal": services.offer_refusal(request.user)},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def searches(request: AuthedRequest) -> HttpResponse:
    if request.method == "POST":
        if request.POST.get("delete"):
            services.search_delete(user=request.user, code=str(request.POST["delete"])[:16])
            messages.success(request, _("Saved search deleted."))
            return redirect("network:searches")
        try:
            services.search_save(
                user=request.user,
                name=request.POST.get("name", ""),
                filters={
                    k: str(request.POST.get(k, ""))
                    for k in request.POST
                    if k not in ("name", "csrfmiddlewaretoken")
                },
            )
        except NetworkError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("Search saved: we will tell you when a matching mentor joins.")
            )
        return redirect("network:searches")
    page = Paginator(SavedSearch.objects.filter(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for saved in page.object_list:
        saved.query = services.saved_query(saved)  # type: ignore[attr-defined]
    return render(request, "network/searches.html", {"page": page})


@login_required
@require_POST
def block(request: AuthedRequest, user_code: str) -> HttpResponse:
    other = User.objects.filter(code=user_code).first()
    if other is None:
        raise Http404
    if request.POST.get("undo"):
        services.unblock(blocker=request.user, blocked=other)
        messages.success(request, _("Unblocked."))
        return redirect("network:blocks")
    try:
        services.block(blocker=request.user, blocked=other)
    except NetworkError as exc:
        messages.error(request, exc.message)
        return redirect("network:search")
    messages.success(
        request, _("Blocked: you will not see each other in the open network any more.")
    )
    return redirect("network:search")


@login_required
@require_GET
def blocks(request: AuthedRequest) -> HttpResponse:
    rows = Block.objects.filter(blocker=request.user).select_related("blocked")
    page = Paginator(rows.order_by("-created_at"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "network/blocks.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def report(request: AuthedRequest, user_code: str) -> HttpResponse:
    other = User.objects.filter(code=user_code, is_active=True).exclude(pk=request.user.pk).first()
    if other is None:
        raise Http404
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            services.report(
                reporter=request.user, reported=other, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("Thank you. Platform staff will review your report."))
            return redirect("network:home")
        status = 422
    return render(request, "network/report.html", {"form": form, "other": other}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def rate(request: AuthedRequest, code: str) -> HttpResponse:
    mentorship = get_mentorship_for(request.user, code, as_party=True)
    if not services.rateable(request.user).filter(pk=mentorship.pk).exists():
        raise Http404
    form = RatingForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            services.rate(
                mentorship=mentorship, rater=request.user, score=form.cleaned_data["score"]
            )
            messages.success(request, _("Thank you. Your rating stays private."))
            return redirect("network:home")
        status = 422
    return render(
        request, "network/rate.html", {"form": form, "mentorship": mentorship}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def policy(request: AuthedRequest, org_code: str) -> HttpResponse:
    organization = get_organization_for(request.user, org_code, role=Role.ADMIN)
    current = OrganizationPolicy.objects.filter(organization=organization).first()
    allowed = current.mentors_may_offer if current else True
    if request.method == "POST":
        allowed = request.POST.get("mentors_may_offer") == "1"
        paused = services.policy_set(
            organization=organization, actor=request.user, mentors_may_offer=allowed
        )
        if allowed:
            messages.success(request, _("Your mentors may offer mentoring in the open network."))
        else:
            messages.success(
                request,
                _("Your mentors no longer offer in the open network (%(n)d offers paused).")
                % {"n": paused},
            )
        return redirect("network:policy", organization.code)
    offering = MentorOffer.objects.filter(
        is_active=True, user__memberships__organization=organization
    ).count()
    return render(
        request,
        "network/policy.html",
        {"organization": organization, "allowed": allowed, "offering": offering},
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff(request: AuthedRequest) -> HttpResponse:
    if not request.user.is_staff:
        raise PermissionDenied
    if request.method == "POST":
        found = Report.objects.filter(code=request.POST.get("resolve", "")).first()
        if found is None:
            raise Http404
        services.report_resolve(found=found, actor=request.user)
        messages.success(request, _("Report resolved."))
        return redirect("network:staff")
    reports = Report.objects.filter(Q(status=Report.Status.OPEN)).select_related(
        "reporter", "reported"
    )
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    ratings = Paginator(services.rating_summary(), PAGE_SIZE).get_page(request.GET.get("ratings"))
    return render(request, "network/staff.html", {"page": page, "ratings": ratings})
