"""The learning demo step: library content in the main programmes, Asha's passed quiz,
failed attempts by others; deterministic and safe to run twice."""

import time
from io import StringIO

import pytest
from django.core.management import call_command

from carementor.demo.learning import seed_learning
from carementor.learning.models import Attempt, Module, ModuleProgress, Quiz, QuizProgress
from carementor.organizations.models import Organization


@pytest.mark.django_db
def test_demo_learning():
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO(), users=60, seed=3)
    asha_passes = QuizProgress.objects.filter(
        user__email="asha@example.org", quiz__library_slug="mentoring-essentials"
    )
    assert asha_passes.exists() and all(p.passed_at for p in asha_passes)
    assert Attempt.objects.filter(passed=False, status="submitted").exists()
    digital = Quiz.objects.filter(
        library_slug="telehealth-basics", program__template="digital-adoption"
    )
    assert digital.exists()
    assert ModuleProgress.objects.filter(completed_at__isnull=False).exists()
    before = (
        Module.objects.count(),
        Quiz.objects.count(),
        Attempt.objects.count(),
        ModuleProgress.objects.count(),
    )
    organizations = {o.slug: o for o in Organization.objects.all()}
    started = time.perf_counter()
    seed_learning(organizations=organizations, seed=3)
    assert time.perf_counter() - started < 2
    after = (
        Module.objects.count(),
        Quiz.objects.count(),
        Attempt.objects.count(),
        ModuleProgress.objects.count(),
    )
    assert after == before
