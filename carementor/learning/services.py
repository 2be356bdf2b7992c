"""Every change to learning modules and their progress, and the learning status of a person.

Quiz and attempt changes live in carementor.learning.quizzes. Each function is atomic, writes
an audit event, and says "participation progressed" (carementor.lib.signals) after commit when
a person completes a module, so completion rules elsewhere can re-check.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from carementor.audit.services import record
from carementor.learning import content, library, storage
from carementor.learning.models import (
    Audience,
    Block,
    Module,
    ModuleProgress,
    Quiz,
    QuizProgress,
    audiences_for,
)
from carementor.lib.errors import DomainError
from carementor.lib.signals import participation_progressed
from carementor.programs.models import Program

if TYPE_CHECKING:
    from carementor.accounts.models import User


class LearningError(DomainError):
    """A refused change: ``status`` is the HTTP status pages and API answer with."""


# --- The contract with the certificates app -----------------------------------------------


@dataclass(frozen=True)
class LearningStatus:
    modules_required: list[tuple[str, str]]  # (code, title) of required modules for the role
    modules_completed: set[str]  # codes of modules (any) the person completed
    quizzes_required: list[tuple[str, str]]  # (code, title) of quizzes required for the role
    quizzes_passed: set[str]  # codes of quizzes the person passed

    @property
    def complete(self) -> bool:
        return {c for c, _t in self.modules_required} <= self.modules_completed and {
            c for c, _t in self.quizzes_required
        } <= self.quizzes_passed


def learning_status(*, user: "User", program: Program, role: str) -> LearningStatus:
    """What learning a programme requires of a person taking part as `role` ("mentor" or
    "mentee"), and what of it they have done. Three queries."""
    audiences = audiences_for(role)
    modules = list(
        Module.objects.filter(program=program, required=True, audience__in=audiences)
        .order_by("position", "id")
        .values_list("code", "title")
    )
    completed = set(
        ModuleProgress.objects.filter(
            module__program=program, user=user, completed_at__isnull=False
        ).values_list("module__code", flat=True)
    )
    quizzes = list(
        Quiz.objects.filter(program=program, required=True, audience__in=audiences)
        .order_by("created_at", "id")
        .values_list("code", "title")
    )
    passed = set(
        QuizProgress.objects.filter(
            quiz__program=program, user=user, passed_at__isnull=False
        ).values_list("quiz__code", flat=True)
    )
    return LearningStatus(
        modules_required=modules,
        modules_completed=completed,
        quizzes_required=quizzes,
        quizzes_passed=passed,
    )


def announce_progress(*, user: "User", program: Program) -> None:
    """Send participation_progressed (certificates listen) once the transaction commits."""
    transaction.on_commit(
        lambda: participation_progressed.send(sender=Program, user=user, program=program)
    )


# --- Modules ------------------------------------------------------------------------------

MODULE_FIELDS = ("title", "summary", "audience", "required", "minutes")


def _next_position(queryset: Any) -> int:
    return int(queryset.aggregate(top=Max("position"))["top"] or 0) + 1


@transaction.atomic
def module_create(*, program: Program, actor: "User", data: dict[str, Any]) -> Module:
    Program.objects.select_for_update().get(pk=program.pk)  # serialise positions
    module = Module.objects.create(
        program=program,
        created_by=actor,
        position=_next_position(Module.objects.filter(program=program)),
        **{f: data[f] for f in MODULE_FIELDS if f in data},
    )
    record(
        actor,
        "learning.module_created",
        module,
        organization=program.organization,
        detail={"title": module.title},
    )
    return module


@transaction.atomic
def module_update(*, module: Module, actor: "User", data: dict[str, Any]) -> Module:
    module = Module.objects.select_for_update().get(pk=module.pk)
    changed = [f for f in MODULE_FIELDS if f in data and getattr(module, f) != data[f]]
    for field in changed:
        setattr(module, field, data[field])
    if changed:
        module.save(update_fields=[*changed, "updated_at"])
        record(
            actor,
            "learning.module_updated",
            module,
            organization=module.program.organization,
            detail={"fields": changed},
        )
    return module


@transaction.atomic
def module_delete(*, module: Module, actor: "User") -> None:
    module = (
        Module.objects.select_for_update().select_related("program__organization").get(pk=module.pk)
    )
    names = list(module.blocks.exclude(storage_name="").values_list("storage_name", flat=True))
    record(
        actor,
        "learning.module_deleted",
        module,
        organization=module.program.organization,
        detail={"title": module.title},
    )
    module.delete()

    def remove_files() -> None:
        for name in names:
            storage.delete(name)

    transaction.on_commit(remove_files)


def _swap(model: Any, siblings: Any, item: Any, direction: str) -> bool:
    rows = list(siblings.select_for_update().order_by("position", "id"))
    index = next(i for i, row in enumerate(rows) if row.pk == item.pk)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(rows):
        return False
    rows[index], rows[other] = rows[other], rows[index]
    for position, row in enumerate(rows, start=1):
        row.position = position
    model.objects.bulk_update(rows, ["position"])
    return True


@transaction.atomic
def module_move(*, module: Module, actor: "User", direction: str) -> bool:
    Program.objects.select_for_update().get(pk=module.program_id)
    moved = _swap(Module, Module.objects.filter(program_id=module.program_id), module, direction)
    if moved:
        record(
            actor,
            "learning.module_moved",
            module,
            organization=module.program.organization,
            detail={"direction": direction},
        )
    return moved


# --- Blocks -------------------------------------------------------------------------------


def _clean_block(kind: str, body: str, url: str) -> tuple[str, str]:
    """Validated (body_html, url) for a block of `kind`; raises LearningError on bad input."""
    try:
        if kind == Block.Kind.TEXT:
            html = content.sanitize_html(body)
            if not html:
                raise content.ContentError(_("Write some text for this block."))
            return html, ""
        if kind == Block.Kind.LINK:
            return content.sanitize_html(body), content.check_link(url)
        if kind == Block.Kind.VIDEO:
            return content.sanitize_html(body), content.video_link(url)
    except content.ContentError as exc:
        raise LearningError(str(exc), status=422, code="invalid_content") from exc
    raise LearningError(_("Unknown kind of block."), status=422, code="invalid_kind")


def inspect_document(name: str, data: bytes) -> Any:
    """The checked PDF (credential-evidence rules: content-sniffed, no active content)."""
    from carementor.credentials.uploads import PDF, UploadRejected, inspect_upload

    try:
        inspected = inspect_upload(name, data)
    except UploadRejected as exc:
        raise LearningError(exc.message, status=exc.status, code=exc.code) from exc
    if inspected.content_type != PDF:
        raise LearningError(
            _("Only PDF documents can be added to a module."), status=422, code="bad_type"
        )
    return inspected


def block_add(
    *,
    module: Module,
    actor: "User",
    kind: str,
    title: str = "",
    body: str = "",
    url: str = "",
    document: tuple[str, bytes] | None = None,
) -> Block:
    block = Block(module=module, kind=kind, title=title.strip()[:200])
    if kind == Block.Kind.DOCUMENT:
        if document is None:
            raise LearningError(_("Choose a PDF document."), status=422, code="no_file")
        inspected = inspect_document(*document)
        block.file_name = inspected.name
        block.file_size = inspected.size
        block.sha256 = inspected.sha256
        block.storage_name = storage.save_bytes(inspected.data)
    else:
        block.body_html, block.url = _clean_block(kind, body, url)
    try:
        with transaction.atomic():
            Module.objects.select_for_update().get(pk=module.pk)
            block.position = _next_position(module.blocks.all())
            block.save()
            record(
                actor,
                "learning.block_added",
                block,
                organization=module.program.organization,
                detail={"module": module.code, "kind": kind},
            )
    except BaseException:
        if block.storage_name:  # nothing may stay on disk that no row points to
            storage.delete(block.storage_name)
        raise
    return block


@transaction.atomic
def block_update(*, block: Block, actor: "User", title: str, body: str, url: str) -> Block:
    block = (
        Block.objects.select_for_update()
        .select_related("module__program__organization")
        .get(pk=block.pk)
    )
    if block.kind != Block.Kind.DOCUMENT:
        block.body_html, block.url = _clean_block(block.kind, body, url)
    block.title = title.strip()[:200]
    block.save(update_fields=["title", "body_html", "url"])
    record(
        actor,
        "learning.block_updated",
        block,
        organization=block.module.program.organization,
        detail={"module": block.module.code},
    )
    return block


@transaction.atomic
def block_delete(*, block: Block, actor: "User") -> None:
    block = (
        Block.objects.select_for_update()
        .select_related("module__program__organization")
        .get(pk=block.pk)
    )
    name = block.storage_name
    record(
        actor,
        "learning.block_deleted",
        block,
        organization=block.module.program.organization,
        detail={"module": block.module.code, "kind": block.kind},
    )
    block.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def block_move(*, block: Block, actor: "User", direction: str) -> bool:
    Module.objects.select_for_update().get(pk=block.module_id)
    moved = _swap(Block, Block.objects.filter(module_id=block.module_id), block, direction)
    if moved:
        record(
            actor,
            "learning.block_moved",
            block,
            organization=block.module.program.organization,
            detail={"direction": direction},
        )
    return moved


# --- The library --------------------------------------------------------------------------


@transaction.atomic
def library_add(
    *, program: Program, actor: "User | None", slug: str, language: str | None = None
) -> Module | Quiz:
    """Copy a shipped module or quiz into the programme (once), in ``language`` (by default
    the active one: the coordinator's) where the library has it, else in English."""
    entry = library.get_entry(slug, language)
    if entry is None:
        raise LearningError(_("There is no such library entry."), status=404, code="not_found")
    Program.objects.select_for_update().get(pk=program.pk)
    model: Any = Module if entry.kind == "module" else Quiz
    if model.objects.filter(program=program, library_slug=slug).exists():
        raise LearningError(
            _("This programme already has “%(title)s”.") % {"title": entry.title},
            code="duplicate",
        )
    if entry.kind == "quiz":
        from carementor.learning.quizzes import quiz_from_library

        quiz = quiz_from_library(program=program, actor=actor, entry=entry)
        record(
            actor,
            "learning.library_added",
            quiz,
            organization=program.organization,
            detail={"slug": slug},
        )
        return quiz
    data = entry.data
    module = Module.objects.create(
        program=program,
        title=data["title"],
        summary=data.get("summary", ""),
        audience=data.get("audience", Audience.EVERYONE),
        required=bool(data.get("required", False)),
        minutes=int(data.get("minutes", 15)),
        library_slug=slug,
        created_by=actor,
        position=_next_position(Module.objects.filter(program=program)),
    )
    Block.objects.bulk_create(
        [
            Block(
                module=module,
                kind=row["kind"],
                title=row.get("title", ""),
                body_html=content.sanitize_html(row.get("html", "")),
                url=row.get("url", ""),
                position=position,
            )
            for position, row in enumerate(data["blocks"], start=1)
        ]
    )
    record(
        actor,
        "learning.library_added",
        module,
        organization=program.organization,
        detail={"slug": slug},
    )
    return module


# --- Progress -----------------------------------------------------------------------------


def _progress(module: Module, user: "User") -> ModuleProgress:
    progress, _created = ModuleProgress.objects.get_or_create(
        module=module, user=user, defaults={"opened_at": timezone.now()}
    )
    return ModuleProgress.objects.select_for_update().get(pk=progress.pk)


@transaction.atomic
def module_open(*, module: Module, user: "User") -> ModuleProgress:
    """Note that a person opened a module (the first time only)."""
    progress, _created = ModuleProgress.objects.get_or_create(
        module=module, user=user, defaults={"opened_at": timezone.now()}
    )
    return progress


@transaction.atomic
def block_mark_done(*, block: Block, user: "User") -> ModuleProgress:
    progress = _progress(block.module, user)
    if block.code not in progress.blocks_done:
        progress.blocks_done = [*progress.blocks_done, block.code]
        progress.save(update_fields=["blocks_done"])
    return progress


@transaction.atomic
def module_complete(*, module: Module, user: "User", request: Any = None) -> ModuleProgress:
    """Mark a module done. Completing twice changes nothing and announces nothing."""
    progress = _progress(module, user)
    if progress.completed_at is not None:
        return progress
    progress.completed_at = timezone.now()
    progress.blocks_done = list(module.blocks.values_list("code", flat=True))
    progress.save(update_fields=["completed_at", "blocks_done"])
    record(
        user,
        "learning.module_completed",
        module,
        organization=module.program.organization,
        request=request,
        detail={"program": module.program.code},
    )
    announce_progress(user=user, program=module.program)
    return progress
