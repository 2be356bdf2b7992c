"""Learning API, modules and progress (mounted at /api/v1/learning); quizzes are in
api_quizzes. Same gates and services as the pages."""

from typing import Any

from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from carementor.accounts.models import User
from carementor.learning import library, services
from carementor.learning.api_quizzes import router as quizzes_router
from carementor.learning.models import Block, Module, ModuleProgress, Quiz
from carementor.learning.permissions import (
    get_learning_program_for,
    get_module_for,
    learning_programs_for,
    participant_role,
)
from carementor.learning.schemas import (
    BlockIn,
    BlockOut,
    BlockUpdateIn,
    LearningProgramPageOut,
    LearningStatusOut,
    LibraryAddedOut,
    LibraryEntryOut,
    ModuleDetailOut,
    ModuleIn,
    ModuleOut,
    ModulePageOut,
    ModuleProgressIn,
    ModuleProgressOut,
    ModuleUpdateIn,
    MoveIn,
    PageParams,
)
from carementor.learning.views import document_response
from carementor.lib.api_errors import READ_ERRORS, WRITE_ERRORS, ApiError, ErrorOut

router = Router(tags=["learning"])
router.add_router("", quizzes_router)

UPLOAD_ERRORS = {**WRITE_ERRORS, 413: ErrorOut}


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def progress_out(progress: ModuleProgress | None) -> dict[str, Any] | None:
    if progress is None:
        return None
    return {
        "opened_at": progress.opened_at,
        "completed_at": progress.completed_at,
        "blocks_done": progress.blocks_done,
    }


def module_out(module: Module, progress: ModuleProgress | None) -> dict[str, Any]:
    return {
        "code": module.code,
        "program": module.program.code,
        "title": module.title,
        "summary": module.summary,
        "audience": module.audience,
        "required": module.required,
        "minutes": module.minutes,
        "position": module.position,
        "library_slug": module.library_slug,
        "progress": progress_out(progress),
    }


def block_out(block: Block, module: Module) -> dict[str, Any]:
    return {
        "code": block.code,
        "kind": block.kind,
        "title": block.title,
        "body_html": block.body_html,
        "url": block.url,
        "file_name": block.file_name,
        "file_size": block.file_size,
        "file_url": f"/api/v1/learning/modules/{module.code}/blocks/{block.code}/file"
        if block.kind == Block.Kind.DOCUMENT
        else "",
        "position": block.position,
    }


def _detail(module: Module, user: User) -> dict[str, Any]:
    progress = ModuleProgress.objects.filter(module=module, user=user).first()
    return {
        **module_out(module, progress),
        "blocks": [block_out(b, module) for b in module.blocks.all()],
    }


@router.get("/programs", response={200: LearningProgramPageOut, **READ_ERRORS})
def list_programs(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    """Programmes where the caller takes part (approved) or coordinates, with their counts."""
    qs = learning_programs_for(_user(request))
    items = qs[params.offset : params.offset + params.limit]
    return {
        "count": qs.count(),
        "items": [
            {
                "code": p.code,
                "name": p.name,
                "organization": p.organization.code,
                "modules": p.module_count,  # type: ignore[attr-defined]
                "quizzes": p.quiz_count,  # type: ignore[attr-defined]
            }
            for p in items
        ],
    }


@router.get("/programs/{code}/modules", response={200: ModulePageOut, **READ_ERRORS})
def list_modules(request: HttpRequest, code: str, params: Query[PageParams]) -> dict[str, Any]:
    """A programme's modules in order, each with the caller's own progress."""
    program = get_learning_program_for(_user(request), code)
    qs = Module.objects.filter(program=program).select_related("program").order_by("position")
    items = list(qs[params.offset : params.offset + params.limit])
    progress = {
        p.module_id: p for p in ModuleProgress.objects.filter(user=_user(request), module__in=items)
    }
    return {"count": qs.count(), "items": [module_out(m, progress.get(m.pk)) for m in items]}


@router.post("/programs/{code}/modules", response={201: ModuleOut, **WRITE_ERRORS})
def create_module(request: HttpRequest, code: str, payload: ModuleIn) -> Status:
    program = get_learning_program_for(_user(request), code, manage=True)
    module = services.module_create(program=program, actor=_user(request), data=payload.dict())
    return Status(201, module_out(module, None))


@router.get("/programs/{code}/library", response={200: list[LibraryEntryOut], **READ_ERRORS})
def list_library(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    """Shipped modules and quizzes a coordinator can add (digital ones first for digital
    programmes)."""
    program = get_learning_program_for(_user(request), code, manage=True)
    taken = set(
        Module.objects.filter(program=program).values_list("library_slug", flat=True)
    ) | set(Quiz.objects.filter(program=program).values_list("library_slug", flat=True))
    return [
        {
            "slug": e.slug,
            "kind": e.kind,
            "track": e.track,
            "title": e.title,
            "summary": e.summary,
            "added": e.slug in taken,
        }
        for e in library.offers_for(program)
    ]


@router.post("/programs/{code}/library/{slug}", response={201: LibraryAddedOut, **WRITE_ERRORS})
def add_from_library(request: HttpRequest, code: str, slug: str) -> Status:
    program = get_learning_program_for(_user(request), code, manage=True)
    added = services.library_add(program=program, actor=_user(request), slug=slug)
    kind = "quiz" if isinstance(added, Quiz) else "module"
    return Status(201, {"kind": kind, "code": added.code, "title": added.title})


@router.get("/programs/{code}/status", response={200: LearningStatusOut, **READ_ERRORS})
def my_status(request: HttpRequest, code: str, role: str = "") -> dict[str, Any]:
    """The caller's learning checklist. `role` (mentor or mentee) defaults to the enrolment's."""
    program = get_learning_program_for(_user(request), code)
    enrolled = participant_role(_user(request), program) or "mentee"
    if role not in ("mentor", "mentee"):
        role = "mentor" if enrolled == "mentor" else "mentee"
    status = services.learning_status(user=_user(request), program=program, role=role)
    return {
        "role": role,
        "complete": status.complete,
        "modules": [
            {"code": c, "title": t, "done": c in status.modules_completed}
            for c, t in status.modules_required
        ],
        "quizzes": [
            {"code": c, "title": t, "done": c in status.quizzes_passed}
            for c, t in status.quizzes_required
        ],
    }


@router.get("/modules/{code}", response={200: ModuleDetailOut, **READ_ERRORS})
def get_module(request: HttpRequest, code: str) -> dict[str, Any]:
    module = get_module_for(_user(request), code)
    return _detail(module, _user(request))


@router.patch("/modules/{code}", response={200: ModuleOut, **WRITE_ERRORS})
def update_module(request: HttpRequest, code: str, payload: ModuleUpdateIn) -> dict[str, Any]:
    module = get_module_for(_user(request), code, manage=True)
    module = services.module_update(
        module=module, actor=_user(request), data=payload.dict(exclude_none=True)
    )
    return module_out(module, None)


@router.delete("/modules/{code}", response={204: None, **WRITE_ERRORS})
def delete_module(request: HttpRequest, code: str) -> Status:
    module = get_module_for(_user(request), code, manage=True)
    services.module_delete(module=module, actor=_user(request))
    return Status(204, None)


@router.post("/modules/{code}/move", response={200: list[ModuleOut], **WRITE_ERRORS})
def move_module(request: HttpRequest, code: str, payload: MoveIn) -> list[dict[str, Any]]:
    """Move a module up or down; answers with the programme's modules in their new order."""
    module = get_module_for(_user(request), code, manage=True)
    services.module_move(module=module, actor=_user(request), direction=payload.direction)
    qs = Module.objects.filter(program=module.program).select_related("program")
    return [module_out(m, None) for m in qs.order_by("position")]


@router.post("/modules/{code}/blocks", response={201: BlockOut, **WRITE_ERRORS})
def add_block(request: HttpRequest, code: str, payload: BlockIn) -> Status:
    """Add text (HTML, sanitised when saved), a link or a YouTube/Vimeo video link."""
    module = get_module_for(_user(request), code, manage=True)
    block = services.block_add(module=module, actor=_user(request), **payload.dict())
    return Status(201, block_out(block, module))


@router.post("/modules/{code}/documents", response={201: BlockOut, **UPLOAD_ERRORS})
def add_document(
    request: HttpRequest, code: str, file: File[UploadedFile], title: Form[str] = ""
) -> Status:
    """Add a PDF (10 MB at most) as multipart form data: field `file`, optional `title`."""
    from carementor.credentials.uploads import UploadRejected, read_upload

    module = get_module_for(_user(request), code, manage=True)
    try:
        data = read_upload(file)
    except UploadRejected as exc:
        raise ApiError(exc.status, exc.message, exc.code) from exc
    block = services.block_add(
        module=module,
        actor=_user(request),
        kind=Block.Kind.DOCUMENT,
        title=title[:200],
        document=(file.name or "", data),
    )
    return Status(201, block_out(block, module))


def _block(request: HttpRequest, code: str, block_code: str, *, manage: bool) -> Block:
    module = get_module_for(_user(request), code, manage=manage)
    block = module.blocks.filter(code=block_code).first()
    if block is None:
        raise Http404
    block.module = module
    return block


@router.patch("/modules/{code}/blocks/{block_code}", response={200: BlockOut, **WRITE_ERRORS})
def update_block(
    request: HttpRequest, code: str, block_code: str, payload: BlockUpdateIn
) -> dict[str, Any]:
    block = _block(request, code, block_code, manage=True)
    block = services.block_update(block=block, actor=_user(request), **payload.dict())
    return block_out(block, block.module)


@router.delete("/modules/{code}/blocks/{block_code}", response={204: None, **WRITE_ERRORS})
def delete_block(request: HttpRequest, code: str, block_code: str) -> Status:
    block = _block(request, code, block_code, manage=True)
    services.block_delete(block=block, actor=_user(request))
    return Status(204, None)


@router.post(
    "/modules/{code}/blocks/{block_code}/move", response={200: list[BlockOut], **WRITE_ERRORS}
)
def move_block(
    request: HttpRequest, code: str, block_code: str, payload: MoveIn
) -> list[dict[str, Any]]:
    block = _block(request, code, block_code, manage=True)
    services.block_move(block=block, actor=_user(request), direction=payload.direction)
    return [block_out(b, block.module) for b in block.module.blocks.all()]


@router.get("/modules/{code}/blocks/{block_code}/file", response={200: None, **READ_ERRORS})
def download_document(request: HttpRequest, code: str, block_code: str) -> HttpResponseBase:
    """The PDF as an attachment."""
    block = _block(request, code, block_code, manage=False)
    if block.kind != Block.Kind.DOCUMENT:
        raise Http404
    return document_response(block)


@router.post("/modules/{code}/progress", response={200: ModuleProgressOut, **WRITE_ERRORS})
def record_progress(request: HttpRequest, code: str, payload: ModuleProgressIn) -> dict[str, Any]:
    """`open` a module, mark one `block_done` (give `block`), or `complete` the module."""
    module = get_module_for(_user(request), code)
    user = _user(request)
    if participant_role(user, module.program) is None:
        raise ApiError(
            403, "Only people taking part in the programme record progress.", "not_participant"
        )
    if payload.action == "open":
        progress = services.module_open(module=module, user=user)
    elif payload.action == "complete":
        progress = services.module_complete(module=module, user=user, request=request)
    else:
        block = module.blocks.filter(code=payload.block).first()
        if block is None:
            raise ApiError(422, "Name a block of this module.", "invalid_block")
        block.module = module
        progress = services.block_mark_done(block=block, user=user)
    result = progress_out(progress)
    assert result is not None
    return result
