import pytest
from django.core.exceptions import ValidationError

from carementor.audit.models import AuditEvent
from carementor.profiles.models import ConflictOfInterest, ProfileCompetency
from carementor.profiles.services import (
    MAX_CONFLICTS,
    CompetencyLevel,
    conflict_declare,
    conflict_withdraw,
    profile_for,
    profile_update,
)


def test_profile_update_replaces_lists_and_competencies_and_audits_changed_fields(
    asha_profile, mentee, vocab
):
    profile_update(
        asha_profile,
        {
            "full_name": "Dr Asha Raman",
            "headline": asha_profile.headline,  # unchanged: not listed in the audit event
            "specialties": [vocab.paediatric_cardiology],
            "languages": [vocab.english, vocab.tamil],  # same set
            "competencies": [CompetencyLevel(vocab.telehealth, 1, 3)],
            "mentoring_capacity": 0,
        },
        mentee,
    )
    asha_profile.refresh_from_db()
    mentee.refresh_from_db()
    assert mentee.full_name == "Dr Asha Raman"
    assert list(asha_profile.specialties.all()) == [vocab.paediatric_cardiology]
    assert list(
        ProfileCompetency.objects.filter(profile=asha_profile).values_list(
            "competency__code", "level", "target_level"
        )
    ) == [("telehealth", 1, 3)]
    event = AuditEvent.objects.get(action="profile.updated")
    assert (event.actor, event.target_id, event.detail) == (
        mentee,
        asha_profile.code,
        {"fields": ["competencies", "full_name", "specialties"]},
    )


def test_profile_update_leaves_absent_keys_alone(asha_profile, mentee, vocab):
    profile_update(asha_profile, {"city": "Madurai"}, mentee)
    asha_profile.refresh_from_db()
    assert asha_profile.city == "Madurai"
    assert asha_profile.goals.startswith("Prepare")
    assert asha_profile.competency_levels.count() == 2
    assert asha_profile.specialties.count() == 1
    assert AuditEvent.objects.get(action="profile.updated").detail == {"fields": ["city"]}


def test_conflict_declare_links_an_existing_account_and_audits_without_the_text(mentee, mentor):
    profile = profile_for(mentee)
    conflict = conflict_declare(
        profile, other_email=" Vikram@Example.org ", description="My uncle", actor=mentee
    )
    assert (conflict.other_user, conflict.other_email, conflict.description) == (
        mentor,
        "vikram@example.org",
        "My uncle",
    )
    event = AuditEvent.objects.get(action="profile.conflict_declared")
    assert (event.target_id, event.detail) == (profile.code, {"conflict": conflict.code})
    assert "uncle" not in str(event.detail)


def test_conflict_declare_with_unknown_email_or_text_only(mentee):
    profile = profile_for(mentee)
    by_email = conflict_declare(
        profile, other_email="x@elsewhere.org", description="", actor=mentee
    )
    by_text = conflict_declare(profile, other_email="", description="Paid by Acme", actor=mentee)
    assert by_email.other_user is None and str(by_email) == "x@elsewhere.org"
    assert str(by_text) == "Paid by Acme"


def test_conflict_declare_refuses_beyond_the_limit(mentee):
    profile = profile_for(mentee)
    ConflictOfInterest.objects.bulk_create(
        ConflictOfInterest(profile=profile, description=f"c{i}", code=f"c{i:011d}")
        for i in range(MAX_CONFLICTS)
    )
    with pytest.raises(ValidationError):
        conflict_declare(profile, other_email="", description="one more", actor=mentee)
    assert ConflictOfInterest.objects.count() == MAX_CONFLICTS
    assert not AuditEvent.objects.filter(action="profile.conflict_declared").exists()


def test_conflict_withdraw_deletes_and_audits(mentee):
    profile = profile_for(mentee)
    conflict = conflict_declare(profile, other_email="", description="Spouse", actor=mentee)
    conflict_withdraw(conflict, actor=mentee)
    assert not ConflictOfInterest.objects.exists()
    event = AuditEvent.objects.get(action="profile.conflict_withdrawn")
    assert (event.actor, event.target_id, event.detail) == (
        mentee,
        profile.code,
        {"conflict": conflict.code},
    )
