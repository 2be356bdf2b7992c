"""Keep mentor pools current: receivers on the lower apps' models, connected by matching.

The lower apps (accounts, profiles, credentials, programs) know nothing of pools; matching
listens to their saves and, after commit, re-encodes the mentors concerned (see ``pools``).
Receivers rather than calls from those apps' services: a call would make them import matching,
which sits above them, and a receiver also sees the admin's, SCIM's and cascades' saves.
Bulk SQL (``update()``, ``bulk_create``) sends no signal: services doing it call
``pools.mentors_changed`` themselves, and the row guard in ``suggestions`` keeps a lagging
pool safe meanwhile.
"""

from typing import Any

from django.db.models.signals import post_delete, post_save

from carementor.matching import pools

# Enrolment fields that only move capacity, seats or the pause: no re-encoding needed.
SEAT_FIELDS = frozenset({"capacity", "seats_taken", "paused_at", "updated_at", "ignored_requests"})
USER_FIELDS = frozenset({"is_active", "timezone", "full_name"})


def _enrollment_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    if not instance.is_mentor and kwargs.get("created"):
        return
    fields = kwargs.get("update_fields")
    if fields and set(fields) <= SEAT_FIELDS:
        pools.seats_changed(instance.program_id, [instance.user_id])
    else:
        pools.mentors_changed([instance.user_id], instance.program_id)


def _user_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    fields = kwargs.get("update_fields")
    if kwargs.get("created") or (fields and not set(fields) & USER_FIELDS):
        return
    pools.mentors_changed([instance.pk])


def _holder_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    pools.mentors_changed([instance.holder_id])


def _profile_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    pools.mentors_changed([instance.user_id])


def _conflict_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    from carementor.profiles.models import Profile

    user_id = Profile.objects.filter(pk=instance.profile_id).values_list("user_id", flat=True)
    pools.mentors_changed(list(user_id))


def connect() -> None:
    from carementor.accounts.models import User
    from carementor.credentials.models import Credential
    from carementor.profiles.models import ConflictOfInterest, Profile
    from carementor.programs.models import Enrollment

    uid = "matching.pools"
    post_save.connect(_enrollment_saved, sender=Enrollment, dispatch_uid=f"{uid}.enrollment")
    post_delete.connect(_enrollment_saved, sender=Enrollment, dispatch_uid=f"{uid}.enrollment-")
    post_save.connect(_user_saved, sender=User, dispatch_uid=f"{uid}.user")
    for signal in (post_save, post_delete):
        suffix = "" if signal is post_save else "-"
        signal.connect(_holder_changed, sender=Credential, dispatch_uid=f"{uid}.cred{suffix}")
        signal.connect(_profile_changed, sender=Profile, dispatch_uid=f"{uid}.profile{suffix}")
        signal.connect(
            _conflict_changed, sender=ConflictOfInterest, dispatch_uid=f"{uid}.conflict{suffix}"
        )
