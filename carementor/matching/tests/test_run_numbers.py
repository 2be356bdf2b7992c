"""A run's figures are grouped as the reader's locale groups digits (lakh and crore in Hindi)."""

from carementor.matching.models import MatchRun


def test_run_figures_follow_the_readers_locale(login, coordinator, run_cohort):
    program = run_cohort["program"]
    client = login(coordinator)
    client.post(f"/programs/{program.code}/runs/start/", {"mode": "optimal"})
    run = MatchRun.objects.get()
    run.stats = {**run.stats, "mentors": 123456, "seats": 5, "matched": 7890123}
    run.save(update_fields=["stats"])
    url = f"/programs/{program.code}/runs/{run.code}/"
    english = client.get(url).content.decode()
    assert "<dd>123,456 (" in english and "<dd>7,890,123" in english
    coordinator.language = "hi"
    coordinator.save(update_fields=["language"])
    hindi = client.get(url).content.decode()
    assert "<dd>1,23,456 (" in hindi and "<dd>78,90,123" in hindi
