"""The contract with the certificates app: learning_status and the participation_progressed
signal."""

from carementor.learning import quizzes, services
from carementor.learning.models import Audience
from carementor.learning.tests.helpers import answers_for, make_quiz
from carementor.lib.signals import participation_progressed


def _module(program, coordinator, title, audience, required=True):
    return services.module_create(
        program=program,
        actor=coordinator,
        data={"title": title, "audience": audience, "required": required},
    )


def test_status_lists_what_the_role_requires_and_what_is_done(program, coordinator, mentee):
    everyone = _module(program, coordinator, "Welcome", Audience.EVERYONE)
    for_mentees = _module(program, coordinator, "Leading the agenda", Audience.MENTEES)
    _module(program, coordinator, "Psychological safety", Audience.MENTORS)
    _module(program, coordinator, "Optional reading", Audience.EVERYONE, required=False)
    quiz = make_quiz(program, coordinator, required=True, audience=Audience.MENTEES)
    make_quiz(program, coordinator, title="Not required")

    status = services.learning_status(user=mentee, program=program, role="mentee")
    assert status.modules_required == [
        (everyone.code, "Welcome"),
        (for_mentees.code, "Leading the agenda"),
    ]
    assert status.quizzes_required == [(quiz.code, "Mentoring essentials")]
    assert status.modules_completed == set() and status.quizzes_passed == set()
    assert not status.complete

    services.module_complete(module=everyone, user=mentee)
    services.module_complete(module=for_mentees, user=mentee)
    attempt = quizzes.attempt_start(quiz=quiz, user=mentee)
    quizzes.attempt_submit(attempt=attempt, user=mentee, answers=answers_for(attempt, correct=3))

    status = services.learning_status(user=mentee, program=program, role="mentee")
    assert status.modules_completed == {everyone.code, for_mentees.code}
    assert status.quizzes_passed == {quiz.code}
    assert status.complete


def test_mentor_status_excludes_mentee_only_requirements(program, coordinator, mentor):
    _module(program, coordinator, "Leading the agenda", Audience.MENTEES)
    safety = _module(program, coordinator, "Psychological safety", Audience.MENTORS)
    status = services.learning_status(user=mentor, program=program, role="mentor")
    assert status.modules_required == [(safety.code, "Psychological safety")]


def test_progress_signal_is_sent_after_commit_once(program, coordinator, mentee, on_commit):
    module = _module(program, coordinator, "Welcome", Audience.EVERYONE)
    quiz = make_quiz(program, coordinator)
    heard = []

    def listener(sender, user, program, **kwargs):
        heard.append((user.pk, program.pk))

    participation_progressed.connect(listener)
    try:
        with on_commit():
            services.module_complete(module=module, user=mentee)
        with on_commit():
            services.module_complete(module=module, user=mentee)  # already done: silent
        with on_commit():
            attempt = quizzes.attempt_start(quiz=quiz, user=mentee)
            quizzes.attempt_submit(
                attempt=attempt, user=mentee, answers=answers_for(attempt, correct=3)
            )
    finally:
        participation_progressed.disconnect(listener)
    assert heard == [(mentee.pk, program.pk), (mentee.pk, program.pk)]
