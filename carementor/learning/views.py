"""Learning pages: a programme's modules and quizzes, one module, and the module editor."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carementor.learning import library, services, storage
from carementor.learning.forms import BlockEditForm, BlockForm, ModuleForm
from carementor.learning.models import Block, Module, ModuleProgress, Quiz, QuizProgress
from carementor.learning.permissions import (
    get_learning_program_for,
    get_module_for,
    learning_programs_for,
    participant_role,
)
from carementor.learning.services import LearningError
from carementor.lib.http import AuthedRequest
from carementor.lib.private_files import download_response
from carementor.programs.permissions import (
    can_manage,
)

PAGE_SIZE = 25


@login_required
@require_GET
def learning_home(request: AuthedRequest) -> HttpResponse:
    """Programmes where the person takes part (approved) or manages, with their learning."""
    programs = learning_programs_for(request.user)
    page = Paginator(programs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "learning/home.html", {"page": page})


@login_required
@require_GET
def program_learning(request: AuthedRequest, code: str) -> HttpResponse:
    program = get_learning_program_for(request.user, code)
    manager = can_manage(request.user, program)
    role = participant_role(request.user, program)
    module_qs = Module.objects.filter(program=program).order_by("position", "id")
    quiz_qs = Quiz.objects.filter(program=program).order_by("created_at", "id")
    if manager:
        module_qs = module_qs.annotate(
            completions=Count("progress", filter=Q(progress__completed_at__isnull=False))
        )
        quiz_qs = quiz_qs.annotate(
            passes=Count("progress", filter=Q(progress__passed_at__isnull=False))
        )
    modules = Paginator(module_qs, PAGE_SIZE).get_page(request.GET.get("page"))
    progress = {
        p.module_id: p
        for p in ModuleProgress.objects.filter(user=request.user, module__in=modules.object_list)
    }
    for module in modules.object_list:
        module.my_progress = progress.get(module.pk)  # type: ignore[attr-defined]
    quizzes = Paginator(quiz_qs, PAGE_SIZE).get_page(request.GET.get("qpage"))
    quiz_progress = {
        p.quiz_id: p
        for p in QuizProgress.objects.filter(user=request.user, quiz__in=quizzes.object_list)
    }
    for quiz in quizzes.object_list:
        quiz.my_progress = quiz_progress.get(quiz.pk)  # type: ignore[attr-defined]
    offers: list[Any] = []
    if manager:
        taken = set(
            Module.objects.filter(program=program)
            .exclude(library_slug="")
            .values_list("library_slug", flat=True)
        ) | set(
            Quiz.objects.filter(program=program)
            .exclude(library_slug="")
            .values_list("library_slug", flat=True)
        )
        offers = [entry for entry in library.offers_for(program) if entry.slug not in taken]
    # Someone enrolled as both mentor and mentee has a checklist for each role.
    roles = {"mentor": ["mentor"], "mentee": ["mentee"], "both": ["mentee", "mentor"]}
    statuses = [
        (as_role, services.learning_status(user=request.user, program=program, role=as_role))
        for as_role in roles.get(role or "", [])
    ]
    return render(
        request,
        "learning/program.html",
        {
            "program": program,
            "manager": manager,
            "role": role,
            "page": modules,
            "quizzes": quizzes,
            "offers": offers,
            "statuses": statuses,
        },
    )


@login_required
@require_POST
def library_add(request: AuthedRequest, code: str) -> HttpResponse:
    program = get_learning_program_for(request.user, code, manage=True)
    try:
        added = services.library_add(
            program=program, actor=request.user, slug=request.POST.get("slug", "")
        )
    except LearningError as exc:
        if exc.status == 404:
            raise Http404 from exc
        messages.error(request, exc.message)
        return redirect("learning:program", program.code)
    messages.success(request, _("Added “%(title)s”.") % {"title": added.title})
    return redirect("learning:program", program.code)


@login_required
@require_http_methods(["GET", "POST"])
def module_create(request: AuthedRequest, code: str) -> HttpResponse:
    program = get_learning_program_for(request.user, code, manage=True)
    form = ModuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        module = services.module_create(program=program, actor=request.user, data=form.cleaned_data)
        messages.success(request, _("Module created. Add its content below."))
        return redirect("learning:module_edit", module.code)
    return render(
        request,
        "learning/module_form.html",
        {"program": program, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def module_detail(request: AuthedRequest, code: str) -> HttpResponse:
    module = get_module_for(request.user, code)
    role = participant_role(request.user, module.program)
    progress = services.module_open(module=module, user=request.user) if role is not None else None
    return render(
        request,
        "learning/module.html",
        {
            "module": module,
            "program": module.program,
            "blocks": module.blocks.all(),
            "progress": progress,
            "manager": can_manage(request.user, module.program),
            "participant": role is not None,
        },
    )


def _progress_response(request: AuthedRequest, module: Module) -> HttpResponse:
    if request.htmx:  # type: ignore[attr-defined]
        progress = ModuleProgress.objects.filter(module=module, user=request.user).first()
        return render(
            request,
            "learning/module.html#progress",
            {"module": module, "progress": progress, "participant": True},
        )
    return redirect("learning:module", module.code)


def _require_participant(request: AuthedRequest, module: Module) -> None:
    if participant_role(request.user, module.program) is None:
        raise PermissionDenied(_("Only people taking part in the programme record progress."))


@login_required
@require_POST
def module_complete(request: AuthedRequest, code: str) -> HttpResponse:
    module = get_module_for(request.user, code)
    _require_participant(request, module)
    services.module_complete(module=module, user=request.user, request=request)
    if not request.htmx:  # type: ignore[attr-defined]
        messages.success(request, _("Module marked as completed."))
    return _progress_response(request, module)


@login_required
@require_POST
def block_done(request: AuthedRequest, code: str, block_code: str) -> HttpResponse:
    module = get_module_for(request.user, code)
    block = module.blocks.filter(code=block_code).first()
    if block is None:
        raise Http404
    _require_participant(request, module)
    services.block_mark_done(block=block, user=request.user)
    if request.htmx:  # type: ignore[attr-defined]
        return render(
            request,
            "learning/module.html#block_done",
            {"block": block, "module": module, "done": True},
        )
    return redirect("learning:module", module.code)


def document_response(block: Block) -> FileResponse:
    try:
        handle = storage.open_file(block.storage_name)
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    return download_response(handle, filename=block.file_name, content_type="application/pdf")


@login_required
@never_cache
@require_GET
def block_file(request: AuthedRequest, code: str, block_code: str) -> HttpResponseBase:
    module = get_module_for(request.user, code)
    block = module.blocks.filter(code=block_code, kind=Block.Kind.DOCUMENT).first()
    if block is None:
        raise Http404
    return document_response(block)


# --- The module editor --------------------------------------------------------------------


def _editor(
    request: AuthedRequest,
    module: Module,
    *,
    form: ModuleForm | None = None,
    block_form: BlockForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "learning/module_edit.html",
        {
            "module": module,
            "program": module.program,
            "form": form or ModuleForm(instance=module),
            "block_form": block_form or BlockForm(),
            "blocks": module.blocks.all(),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def module_edit(request: AuthedRequest, code: str) -> HttpResponse:
    module = get_module_for(request.user, code, manage=True)
    if request.method == "GET":
        return _editor(request, module)
    form = ModuleForm(request.POST, instance=Module.objects.get(pk=module.pk))
    if not form.is_valid():
        return _editor(request, module, form=form, status=400)
    services.module_update(module=module, actor=request.user, data=form.cleaned_data)
    messages.success(request, _("Module saved."))
    return redirect("learning:module_edit", module.code)


@login_required
@require_POST
def module_move(request: AuthedRequest, code: str) -> HttpResponse:
    module = get_module_for(request.user, code, manage=True)
    services.module_move(
        module=module, actor=request.user, direction=request.POST.get("direction", "")
    )
    return redirect("learning:program", module.program.code)


@login_required
@require_http_methods(["GET", "POST"])
def module_delete(request: AuthedRequest, code: str) -> HttpResponse:
    """Ask first, saying how many people's progress goes with the module; delete on POST."""
    module = get_module_for(request.user, code, manage=True)
    if request.method == "GET":
        progress = ModuleProgress.objects.filter(module=module)
        return render(
            request,
            "learning/module_delete.html",
            {
                "module": module,
                "started": progress.count(),
                "completed": progress.filter(completed_at__isnull=False).count(),
            },
        )
    program_code = module.program.code
    services.module_delete(module=module, actor=request.user)
    messages.success(request, _("Module deleted."))
    return redirect("learning:program", program_code)


@login_required
@require_POST
def block_add(request: AuthedRequest, code: str) -> HttpResponse:
    module = get_module_for(request.user, code, manage=True)
    form = BlockForm(request.POST, request.FILES)
    if not form.is_valid():
        return _editor(request, module, block_form=form, status=400)
    data = form.cleaned_data
    upload = data.get("document")
    document = None
    try:
        if data["kind"] == Block.Kind.DOCUMENT and upload is not None:
            from carementor.credentials.uploads import UploadRejected, read_upload

            try:
                document = (upload.name or "", read_upload(upload))
            except UploadRejected as exc:
                raise LearningError(exc.message, status=exc.status, code=exc.code) from exc
        services.block_add(
            module=module,
            actor=request.user,
            kind=data["kind"],
            title=data["title"],
            body=data["body"],
            url=data["url"],
            document=document,
        )
    except LearningError as exc:
        form.add_error(None, exc.message)
        return _editor(request, module, block_form=form, status=exc.status)
    messages.success(request, _("Content added."))
    return redirect("learning:module_edit", module.code)


def _block(request: AuthedRequest, code: str, block_code: str) -> tuple[Module, Block]:
    module = get_module_for(request.user, code, manage=True)
    block = module.blocks.filter(code=block_code).first()
    if block is None:
        raise Http404
    return module, block


@login_required
@require_http_methods(["GET", "POST"])
def block_edit(request: AuthedRequest, code: str, block_code: str) -> HttpResponse:
    module, block = _block(request, code, block_code)
    form = BlockEditForm(
        request.POST or None,
        initial={"title": block.title, "body": block.body_html, "url": block.url},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.block_update(
                    block=block,
                    actor=request.user,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    url=form.cleaned_data["url"],
                )
            except LearningError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(request, _("Content saved."))
                return redirect("learning:module_edit", module.code)
    return render(
        request,
        "learning/block_edit.html",
        {"module": module, "block": block, "form": form},
        status=status,
    )


@login_required
@require_POST
def block_move(request: AuthedRequest, code: str, block_code: str) -> HttpResponse:
    module, block = _block(request, code, block_code)
    services.block_move(
        block=block, actor=request.user, direction=request.POST.get("direction", "")
    )
    return redirect("learning:module_edit", module.code)


@login_required
@require_POST
def block_delete(request: AuthedRequest, code: str, block_code: str) -> HttpResponse:
    module, block = _block(request, code, block_code)
    services.block_delete(block=block, actor=request.user)
    messages.success(request, _("Content removed."))
    return redirect("learning:module_edit", module.code)
