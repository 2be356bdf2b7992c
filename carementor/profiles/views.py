from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carementor.lib.http import AuthedRequest
from carementor.lib.timezones import timezone_names
from carementor.profiles.competency_forms import (
    COMPETENCY_PREFIX,
    BaseCompetencyFormSet,
    competency_formset,
)
from carementor.profiles.completeness import profile_missing
from carementor.profiles.forms import (
    RELATED_FIELDS,
    ConflictForm,
    DirectoryFilterForm,
    ProfileForm,
    profile_form_initial,
)
from carementor.profiles.labels import grouped_competency_levels
from carementor.profiles.models import ConflictOfInterest, Profile
from carementor.profiles.permissions import get_conflict_for, get_profile_for
from carementor.profiles.pickers import VOCABULARIES, options_context, use_pickers
from carementor.profiles.services import (
    conflict_declare,
    conflict_withdraw,
    profile_for,
    profile_update,
)

DIRECTORY_PAGE_SIZE = 20


def _own_profile(request: AuthedRequest) -> Profile:
    profile = profile_for(request.user)
    return Profile.objects.with_vocabulary().select_related("supervisor").get(pk=profile.pk)


def _edit_page(
    request: AuthedRequest,
    profile: Profile,
    form: ProfileForm,
    formset: BaseCompetencyFormSet,
    *,
    status: int = 200,
) -> HttpResponse:
    if request.GET.get("full"):
        form.group_specialties()  # the plain selects, for browsers without JavaScript
    else:
        use_pickers(form)
    percent, missing = profile_missing(profile)
    return render(
        request,
        "profiles/edit.html",
        {
            "profile": profile,
            "form": form,
            "formset": formset,
            "percent": percent,
            "missing": missing,
            # With JavaScript, folded competency groups load when opened; without, this
            # link-chosen group is rendered open.
            "show_group": request.GET.get("group", ""),
            "conflict_count": ConflictOfInterest.objects.filter(profile=profile).count(),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: AuthedRequest) -> HttpResponse:
    profile = _own_profile(request)
    if request.method == "POST":
        form = ProfileForm(request.POST, user=request.user)
        formset = competency_formset(profile, request.POST)
        if form.is_valid() and formset.is_valid():
            data = form.profile_data()
            data["competencies"] = formset.levels()
            profile_update(profile, data, request.user, request=request)
            messages.success(request, _("Your profile is saved."))
            return redirect("profiles:edit")
        messages.error(request, _("Please correct the fields marked below."))
        return _edit_page(request, profile, form, formset, status=422)
    form = ProfileForm(initial=profile_form_initial(profile), user=request.user)
    return _edit_page(request, profile, form, competency_formset(profile))


@login_required
@require_GET
def competency_group(request: AuthedRequest, key: str) -> HttpResponse:
    """One folded group of the competency grid, fetched when the person opens it (htmx).

    Folded groups hold no rating, so the page can leave their selects out: posting only the
    hidden competency codes means "not rated", which is what they already are.
    """
    formset = competency_formset(_own_profile(request))
    for group in formset.groups():
        if group.key == key:
            return render(request, "profiles/edit.html#competency-rows", {"group": group})
    return HttpResponseBadRequest(_("Unknown group."))


@login_required
@require_GET
def options(request: AuthedRequest, vocabulary: str) -> HttpResponse:
    """Options of a searchable picker matching what was typed, after the chosen ones (htmx).

    The picker sends its search text (``q``) and its ticked boxes, so the answer keeps every
    choice while offering at most 20 matches.
    """
    found = VOCABULARIES.get(vocabulary)
    if found is None:
        raise Http404
    context = options_context(found, request.GET.getlist(found.field), request.GET.get("q", ""))
    return render(request, "profiles/widgets/picker_options.html", context)


@login_required
@require_GET
def timezones(request: AuthedRequest) -> HttpResponse:
    """The timezone suggestions, fetched when the field is first focused (htmx)."""
    response = render(
        request, "profiles/edit.html#timezone-options", {"timezones": timezone_names()}
    )
    response["Cache-Control"] = "private, max-age=86400"
    return response


@login_required
@require_POST
def validate(request: AuthedRequest) -> HttpResponse:
    """Check one field of the edit form as the person fills it in (htmx).

    The whole form is posted, so rules that span fields (capacity needs a role offered)
    are checked too. The answer is that field's errors (empty when it is fine), plus the
    errors of any field that depends on it as out-of-band swaps.
    """
    name = request.GET.get("field", "")
    profile = profile_for(request.user)
    if name.startswith(f"{COMPETENCY_PREFIX}-"):
        formset = competency_formset(profile, request.POST)
        index = name.removeprefix(f"{COMPETENCY_PREFIX}-")
        if not index.isdigit() or int(index) >= len(formset.forms):
            return HttpResponseBadRequest(_("Unknown field."))
        row = formset.forms[int(index)]
        row.is_valid()
        return render(request, "profiles/edit.html#row-errors", {"row": row})
    form = ProfileForm(request.POST, user=request.user)
    if name not in form.fields:
        return HttpResponseBadRequest(_("Unknown field."))
    form.is_valid()
    related = RELATED_FIELDS.get(name, [])
    return render(
        request,
        "profiles/validate.html",
        {"main": form[name], "related": [form[other] for other in related]},
    )


@login_required
@require_GET
def detail(request: AuthedRequest, code: str) -> HttpResponse:
    profile = get_profile_for(request.user, code)
    return render(
        request,
        "profiles/detail.html",
        {
            "profile": profile,
            "competency_groups": grouped_competency_levels(profile.competency_levels.all()),
            "location": [
                part
                for part in (profile.city, profile.region, profile.country and profile.country.name)
                if part
            ],
            "is_owner": profile.user_id == request.user.pk,
        },
    )


@login_required
@require_GET
def directory(request: AuthedRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None, user=request.user)
    form.group_specialties()
    profiles = Profile.objects.in_directory_of(request.user).for_directory()
    status = 200
    if form.is_bound and not form.is_valid():
        profiles = profiles.none()
        status = 400
    elif form.is_bound:
        profiles = form.filter(profiles)
    profiles = profiles.order_by("user__full_name", "pk")
    page = Paginator(profiles, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "profiles/directory.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "filtering": any(request.GET.get(name) for name in form.fields if name != "q"),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def conflicts(request: AuthedRequest) -> HttpResponse:
    profile = profile_for(request.user)
    status = 200
    if request.method == "POST":
        form = ConflictForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                conflict_declare(
                    profile,
                    other_email=form.cleaned_data["other_email"],
                    description=form.cleaned_data["description"],
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your conflict of interest is declared."))
                return redirect("profiles:conflicts")
        status = 422
    else:
        form = ConflictForm(user=request.user)
    return render(
        request,
        "profiles/conflicts.html",
        {"form": form, "conflicts": ConflictOfInterest.objects.filter(profile=profile)},
        status=status,
    )


@login_required
@require_POST
def conflict_withdraw_view(request: AuthedRequest, code: str) -> HttpResponse:
    conflict = get_conflict_for(request.user, code)
    conflict_withdraw(conflict, actor=request.user, request=request)
    messages.success(request, _("The conflict of interest is withdrawn."))
    return redirect("profiles:conflicts")
