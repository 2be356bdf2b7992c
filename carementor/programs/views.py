"""Programme pages: the list, one programme, applying, and the coordinator's set-up pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carementor.lib.http import AuthedRequest
from carementor.organizations.context import current_organization
from carementor.programs import imports, services
from carementor.programs.catalog import TEMPLATES, get_template
from carementor.programs.forms import (
    ApplyForm,
    CapacityForm,
    DecisionForm,
    ImportForm,
    ProgramForm,
    QuestionForm,
)
from carementor.programs.models import Enrollment, ImportBatch, Program
from carementor.programs.permissions import (
    can_manage,
    can_manage_organization,
    get_enrollment_for,
    get_program_for,
    programs_visible_to,
)
from carementor.programs.services import ProgramError

PAGE_SIZE = 25


@login_required
@require_GET
def program_list(request: AuthedRequest) -> HttpResponse:
    programs = (
        programs_visible_to(request.user)
        .select_related("organization")
        .annotate(
            approved=Count("enrollments", filter=Q(enrollments__status=Enrollment.Status.APPROVED))
        )
        .order_by("-created_at")
    )
    status = request.GET.get("status", "")
    if status in Program.Status.values:
        programs = programs.filter(status=status)
    page = Paginator(programs, PAGE_SIZE).get_page(request.GET.get("page"))
    organization = current_organization(request)
    mine = dict(
        Enrollment.objects.filter(user=request.user, program__in=page.object_list).values_list(
            "program_id", "status"
        )
    )
    for program in page.object_list:
        program.my_status = mine.get(program.pk, "")  # type: ignore[attr-defined]
    return render(
        request,
        "programs/list.html",
        {
            "page": page,
            "query": f"status={status}" if status else "",
            "can_create": organization is not None
            and can_manage_organization(request.user, organization),
            "statuses": Program.Status.choices,
            "status": status,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def program_create(request: AuthedRequest) -> HttpResponse:
    organization = current_organization(request)
    if organization is None or not can_manage_organization(request.user, organization):
        raise PermissionDenied
    slug = request.GET.get("template", "") or request.POST.get("template", "")
    template = get_template(slug) if slug else None
    if slug and template is None:
        raise Http404
    if request.method == "POST":
        form = ProgramForm(request.POST)
        if form.is_valid():
            program = services.program_create(
                organization=organization,
                actor=request.user,
                data=form.cleaned_data,
                template=slug,
            )
            messages.success(request, _("Programme created as a draft."))
            return redirect("programs:detail", program.code)
        status = 400
    else:
        form = ProgramForm(initial=template.initial() if template else None)
        status = 200
    return render(
        request,
        "programs/form.html",
        {
            "form": form,
            "templates": TEMPLATES.values(),
            "template": template,
            "organization": organization,
        },
        status=status,
    )


@login_required
@require_GET
def program_detail(request: AuthedRequest, code: str) -> HttpResponse:
    program = get_program_for(request.user, code)
    manager = can_manage(request.user, program)
    enrollment = Enrollment.objects.filter(program=program, user=request.user).first()
    counts = dict(
        program.enrollments.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    return render(
        request,
        "programs/detail.html",
        {
            "program": program,
            "manager": manager,
            "enrollment": enrollment,
            "counts": counts,
            "questions": program.questions.all(),
            "apply_form": ApplyForm(),
            "problems": services.eligibility_problems(program, request.user)
            if enrollment is None and program.is_open_for_enrollment
            else [],
            "transitions": services.TRANSITIONS.get(program.status, ()),
            "status_labels": dict(Program.Status.choices),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def program_edit(request: AuthedRequest, code: str) -> HttpResponse:
    program = get_program_for(request.user, code, manage=True)
    if request.method == "POST":
        form = ProgramForm(request.POST, instance=Program.objects.get(pk=program.pk))
        if form.is_valid():
            try:
                services.program_update(program=program, actor=request.user, data=form.cleaned_data)
            except ProgramError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Programme saved."))
                return redirect("programs:detail", program.code)
        status = 400
    else:
        form = ProgramForm(instance=program)
        status = 200
    return render(request, "programs/form.html", {"form": form, "program": program}, status=status)


@login_required
@require_POST
def program_status(request: AuthedRequest, code: str) -> HttpResponse:
    program = get_program_for(request.user, code, manage=True)
    try:
        services.program_set_status(
            program=program, actor=request.user, status=request.POST.get("status", "")
        )
    except ProgramError as exc:
        messages.error(request, exc.message)
        return redirect("programs:detail", program.code)
    messages.success(request, _("Programme status changed."))
    return redirect("programs:detail", program.code)


@login_required
@require_http_methods(["GET", "POST"])
def program_questions(request: AuthedRequest, code: str) -> HttpResponse:
    program = get_program_for(request.user, code, manage=True)
    form = QuestionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.question_add(program=program, actor=request.user, **form.cleaned_data)
            except ProgramError as exc:
                form.add_error("choices", exc.message)
            else:
                messages.success(request, _("Question added."))
                return redirect("programs:questions", program.code)
        status = 400
    return render(
        request,
        "programs/questions.html",
        {"program": program, "form": form, "questions": program.questions.all()},
        status=status,
    )


@login_required
@require_POST
def question_delete(request: AuthedRequest, code: str, question_code: str) -> HttpResponse:
    program = get_program_for(request.user, code, manage=True)
    question = program.questions.filter(code=question_code).first()
    if question is None:
        raise Http404
    services.question_delete(question=question, actor=request.user)
    messages.success(request, _("Question removed."))
    return redirect("programs:questions", program.code)


@login_required
@require_POST
def program_apply(request: AuthedRequest, code: str) -> HttpResponse:
    program = get_program_for(request.user, code)
    form = ApplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose how you want to take part."))
        return redirect("programs:detail", program.code)
    answers = {q.code: request.POST.get(f"q_{q.code}", "") for q in program.questions.all()}
    try:
        services.enrollment_apply(
            program=program, user=request.user, role=form.cleaned_data["role"], answers=answers
        )
    except ProgramError as exc:
        messages.error(request, exc.message)
        return render(
            request,
            "programs/apply_error.html",
            {"program": program, "message": exc.message},
            status=400 if exc.code != "duplicate" else 409,
        )
    messages.success(request, _("Application sent. The coordinator will decide soon."))
    return redirect("programs:detail", program.code)


@login_required
@require_GET
def participants(request: AuthedRequest, code: str) -> HttpResponse:
    program = get_program_for(request.user, code, manage=True)
    enrollments = program.enrollments.select_related(
        "user", "user__profile__profession", "user__profile__career_stage"
    ).order_by("status", "user__full_name")
    status, role = request.GET.get("status", ""), request.GET.get("role", "")
    if status in Enrollment.Status.values:
        enrollments = enrollments.filter(status=status)
    if role in Enrollment.Role.values:
        enrollments = enrollments.filter(role=role)
    page = Paginator(enrollments, PAGE_SIZE).get_page(request.GET.get("page"))
    query = "&".join(f"{k}={v}" for k, v in (("status", status), ("role", role)) if v)
    return render(
        request,
        "programs/participants.html",
        {
            "program": program,
            "page": page,
            "query": query,
            "status": status,
            "role": role,
            "statuses": Enrollment.Status.choices,
            "roles": Enrollment.Role.choices,
        },
    )


@login_required
@require_GET
def participants_export(request: AuthedRequest, code: str) -> HttpResponse:
    program = get_program_for(request.user, code, manage=True)
    enrollments = program.enrollments.select_related("user").order_by("user__email")
    response = HttpResponse(imports.export_csv(enrollments), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="participants-{program.code}.csv"'
    return response


@login_required
@require_POST
def enrollment_decide(request: AuthedRequest, code: str) -> HttpResponse:
    enrollment = get_enrollment_for(request.user, code, manage=True)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve, waitlist or decline."))
    else:
        try:
            services.enrollment_decide(
                enrollment=enrollment,
                actor=request.user,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
            )
            messages.success(request, _("Decision saved."))
        except ProgramError as exc:
            messages.error(request, exc.message)
    return redirect("programs:participants", enrollment.program.code)


@login_required
@require_POST
def enrollment_capacity(request: AuthedRequest, code: str) -> HttpResponse:
    enrollment = get_enrollment_for(request.user, code)
    if enrollment.user_id != request.user.pk and not can_manage(request.user, enrollment.program):
        raise Http404
    form = CapacityForm(request.POST)
    if form.is_valid():
        try:
            services.enrollment_set_capacity(
                enrollment=enrollment, actor=request.user, capacity=form.cleaned_data["capacity"]
            )
            messages.success(request, _("Capacity saved."))
        except ProgramError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, _("Capacity must be a number from 0 to 50."))
    return redirect("programs:detail", enrollment.program.code)


@login_required
@require_POST
def enrollment_withdraw(request: AuthedRequest, code: str) -> HttpResponse:
    enrollment = get_enrollment_for(request.user, code)
    services.enrollment_withdraw(enrollment=enrollment, actor=request.user)
    messages.success(request, _("Withdrawn from the programme."))
    return redirect("programs:detail", enrollment.program.code)


@login_required
@require_http_methods(["GET", "POST"])
def program_import(request: AuthedRequest, code: str) -> HttpResponse:
    program = get_program_for(request.user, code, manage=True)
    form = ImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                batch = imports.import_preview(
                    program=program,
                    actor=request.user,
                    filename=upload.name,
                    content=upload.read(imports.MAX_BYTES + 1),
                )
            except ProgramError as exc:
                form.add_error("file", exc.message)
            else:
                return redirect("programs:import_detail", program.code, batch.code)
        status = 400
    batches = program.imports.order_by("-created_at")[:10]
    return render(
        request,
        "programs/import.html",
        {"program": program, "form": form, "batches": batches},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_detail(request: AuthedRequest, code: str, batch_code: str) -> HttpResponse:
    program = get_program_for(request.user, code, manage=True)
    batch = ImportBatch.objects.filter(program=program, code=batch_code).first()
    if batch is None:
        raise Http404
    if request.method == "POST":
        try:
            batch = imports.import_apply(batch=batch, actor=request.user)
        except ProgramError as exc:
            messages.error(request, exc.message)
        else:
            if batch.is_working:
                messages.info(request, _("The import is being applied in the background."))
            else:
                messages.success(request, _("Import applied."))
        return redirect("programs:import_detail", program.code, batch.code)
    if request.headers.get("HX-Request") and request.GET.get("part") == "progress":
        return render(
            request, "programs/import_detail.html#progress", {"program": program, "batch": batch}
        )
    # A batch holds up to MAX_ROWS rows and as many problems: the page shows them a page at a time.
    rows = Paginator(batch.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    errors = Paginator(batch.errors, PAGE_SIZE).get_page(request.GET.get("errors"))
    return render(
        request,
        "programs/import_detail.html",
        {"program": program, "batch": batch, "page": rows, "problems": errors},
    )
