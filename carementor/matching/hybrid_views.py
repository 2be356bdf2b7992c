"""Hybrid matching page: a mentee ranks their top choices among suggested mentors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from carementor.accounts.models import User
from carementor.lib.http import AuthedRequest
from carementor.matching import hybrid
from carementor.matching.services import MatchError
from carementor.matching.suggestions import suggest
from carementor.programs.models import Enrollment, Program
from carementor.programs.permissions import get_program_for

SUGGESTED = 20  # mentors offered in each choice list


def _mentee(program: Program, user: User) -> Enrollment | None:
    return program.enrollments.approved().mentees().filter(user=user).first()


@login_required
@require_http_methods(["GET", "POST"])
def ranking(request: AuthedRequest, code: str) -> HttpResponse:
    program = get_program_for(request.user, code)
    enrollment = _mentee(program, request.user)
    error, status = "", 200
    if request.method == "POST":
        picked = [request.POST.get(f"choice_{i}", "")[:16] for i in range(1, hybrid.MAX_RANKED + 1)]
        codes = [c for c in picked if c]
        found = {u.code: u for u in User.objects.filter(code__in=codes)}
        try:
            if any(c not in found for c in codes):
                raise MatchError(
                    _("One of these mentors cannot be matched in this programme."),
                    "unavailable",
                    422,
                )
            hybrid.ranking_set(
                program=program,
                mentee=request.user,
                mentors=[found[c] for c in codes],  # duplicates kept: the service refuses them
                actor=request.user,
                request=request,
            )
        except MatchError as exc:
            error, status = exc.message, exc.status
        else:
            messages.success(request, _("Your choices are saved; the coordinator will decide."))
            return redirect("programs:ranking", program.code)
    current = hybrid.ranking_of(program, request.user)
    suggested = suggest(program, request.user, k=SUGGESTED) if enrollment else []
    options = {s.user.code: s.user for s in suggested}
    for row in current:
        options.setdefault(row.mentor.code, row.mentor)
    chosen = {row.rank: row.mentor.code for row in current}
    return render(
        request,
        "matching/ranking.html",
        {
            "program": program,
            "enrollment": enrollment,
            "hybrid": hybrid.is_hybrid(program),
            "suggestions": suggested,
            "options": list(options.values()),
            "slots": [(i, chosen.get(i, "")) for i in range(1, hybrid.MAX_RANKED + 1)],
            "error": error,
        },
        status=status,
    )
