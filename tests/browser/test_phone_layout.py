"""The demo personas on a 360 x 780 phone: no page scrolls sideways, every id is unique, the
Content Security Policy blocks nothing, and axe-core finds no violation — with every
collapsible section opened (htmx loads what folded sections hold).

axe-core is vendored in ``vendor/axe.min.js`` (MPL-2.0, see its header); it is injected into
the pages by the test only and is never served by CareMentor.
"""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page

from carementor.accounts.models import User
from carementor.demo.seed import DEMO_PASSWORD, seed_demo
from carementor.matching.runs import run_start
from carementor.mentorships.models import Meeting
from carementor.profiles.models import Profile
from carementor.programs.models import Program
from tests.browser.conftest import AFTER_PASSWORD, answer_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 780}
AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
# What a visit must not follow: leaving, files, the admin, the API and its docs.
SKIP = re.compile(
    r"logout|/admin/|/api/|/i18n/|/static/|\.(ics|pdf|csv|xlsx|svg|png)$|/download|/export"
    r"|/evidence/|/files/|/2fa/|/tokens/|/reauthenticate/"
)
PAGES_PER_PERSONA = 14
# A headline of one 120-letter word used to make a public profile 1,334 px wide.
LONG_WORD = "Paediatriccardiologyfellowshipapplicationpreparation" * 2 + "Chennai"

WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`));
"""
OPEN_EVERYTHING = (
    "document.querySelectorAll('details:not([open])').forEach(d => { d.open = true; })"
)
DUPLICATE_IDS = """(() => {
  const seen = {};
  document.querySelectorAll('[id]').forEach(e => { seen[e.id] = (seen[e.id] || 0) + 1; });
  return Object.keys(seen).filter(id => seen[id] > 1);
})()"""
AXE_RUN = """axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v =>
  `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`))"""


def pattern(url: str) -> str:
    """One visit per page kind: opaque codes (they hold a digit) collapse to one."""
    path = urlsplit(url).path
    return re.sub(r"/(?=[a-z-]*\d)[a-z0-9-]{8,}(?=/|$)", "/<code>", path)


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.get_by_role("button", name=re.compile("Sign In", re.I)).click()
    page.wait_for_url(AFTER_PASSWORD)
    if "/accounts/2fa/authenticate/" in page.url:
        answer_code(page, User.objects.get(email=email))
    page.wait_for_url(re.compile(r"/dashboard/"))


def check_page(page: Page, url: str) -> list[str]:
    """Every problem on one page, as sentences naming it."""
    response = page.goto(url)
    problems = []
    if response is None or response.status >= 400:
        return [f"{url}: HTTP {response.status if response else 'no response'}"]
    width = page.evaluate("document.scrollingElement.scrollWidth")
    if width > PHONE["width"]:
        problems.append(f"{url}: {width} px wide")
    page.evaluate(OPEN_EVERYTHING)
    page.wait_for_load_state("networkidle")
    width = page.evaluate("document.scrollingElement.scrollWidth")
    if width > PHONE["width"]:
        problems.append(f"{url}: {width} px wide with every section open")
    if duplicates := page.evaluate(DUPLICATE_IDS):
        problems.append(f"{url}: duplicate ids {duplicates}")
    if violations := page.evaluate("window.__cspViolations"):
        problems.append(f"{url}: CSP blocked {violations}")
    page.evaluate(AXE)
    problems += [f"{url}: axe {violation}" for violation in page.evaluate(AXE_RUN)]
    return problems


def visit_as(browser: Browser, base: str, email: str, must_visit: list[str]) -> list[str]:
    """Sign in on a phone, then visit the persona's menus and what they link to."""
    context = browser.new_context(viewport=PHONE)
    context.add_init_script(WATCH_CSP)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, base, email)
    queue = [f"{base}{path}" for path in must_visit]
    queue += page.eval_on_selector_all("header a[href]", "els => els.map(e => e.href)")
    seen: set[str] = set()
    problems: list[str] = []
    visited = 0
    while queue and visited < PAGES_PER_PERSONA + len(must_visit):
        url = queue.pop(0).split("#")[0]
        if not url.startswith(base) or SKIP.search(url) or pattern(url) in seen:
            continue
        seen.add(pattern(url))
        visited += 1
        problems += check_page(page, url)
        queue += page.eval_on_selector_all("main a[href]", "els => els.map(e => e.href)")
    problems += [f"{email}: console error {text}" for text in errors]
    context.close()
    assert visited >= 10, f"{email} saw only {visited} pages"
    return problems


@pytest.fixture
def demo(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    seed_demo(users=24, national=False)
    Profile.objects.filter(user__email="vikram@example.org").update(headline=LONG_WORD)
    mary = User.objects.get(email="mary@example.org")
    program = Program.objects.filter(
        organization__memberships__user=mary, matching_mode="hybrid"
    ).first()
    assert program is not None
    run = run_start(program=program, actor=mary, mode="optimal")
    asha = User.objects.get(email="asha@example.org")
    meeting = next(
        m
        for m in Meeting.objects.select_related("mentorship").order_by("-starts_at")
        if asha in m.mentorship.party_users()
    )
    vikram = Profile.objects.get(user__email="vikram@example.org")
    return {
        "asha@example.org": [
            "/profiles/me/",
            f"/profiles/{vikram.code}/",
            f"/mentorships/{meeting.mentorship.code}/",
            f"/mentorships/{meeting.mentorship.code}/plan/",
            f"/mentorships/{meeting.mentorship.code}/meetings/{meeting.code}/",
        ],
        "vikram@example.org": ["/profiles/me/"],
        "mary@example.org": [
            f"/programs/{program.code}/runs/{run.code}/",
            f"/programs/{program.code}/participants/",
        ],
        "ravi@example.org": ["/profiles/me/"],
    }


def test_demo_personas_use_every_main_page_on_a_phone(browser, live_server, demo) -> None:  # type: ignore[no-untyped-def]
    problems = []
    for email, must_visit in demo.items():
        problems += visit_as(browser, live_server.url, email, must_visit)
    assert not problems, "\n".join(problems)


def test_the_favicon_is_served(page: Page, live_server) -> None:  # type: ignore[no-untyped-def]
    response = page.request.get(f"{live_server.url}/favicon.ico")
    assert response.status == 200
    assert response.headers["content-type"] == "image/x-icon"
    assert response.body()[:4] == b"\x00\x00\x01\x00"  # the ICO signature
