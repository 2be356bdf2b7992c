"""The database session store, writing an unchanged session at most every REFRESH_SECONDS.

Sessions end after SESSION_COOKIE_AGE seconds without a request, so SESSION_SAVE_EVERY_REQUEST
makes every request push the expiry forward — an UPDATE per page view. This store skips that
write while the stored expiry is less than REFRESH_SECONDS behind the new one: the idle limit
still holds to within half a minute of two hours. A session whose data changed is saved at
once, as before.
"""

from datetime import datetime, timedelta
from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

REFRESH_SECONDS = 30


class SessionStore(DatabaseSessionStore):
    _stored_expiry: datetime | None = None

    def _get_session_from_db(self) -> Any:
        found = super()._get_session_from_db()  # type: ignore[misc]
        self._stored_expiry = found.expire_date if found is not None else None
        return found

    def save(self, must_create: bool = False) -> None:
        if (
            not must_create
            and not self.modified
            and self.session_key is not None
            and self._stored_expiry is not None
            and self.get_expiry_date() - self._stored_expiry < timedelta(seconds=REFRESH_SECONDS)
        ):
            return
        super().save(must_create)
        self._stored_expiry = self.get_expiry_date()
