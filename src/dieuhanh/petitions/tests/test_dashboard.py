import datetime as dt


def test_dashboard_alerts_on_overdue_petitions_in_scope(world, client):
    world.petition(received_on=dt.date(2026, 3, 2), subject="Khiếu nại bồi thường đất nông nghiệp")
    client.force_login(world.office)
    panel = client.get("/").context["petitions"]
    assert (panel["open"], panel["overdue"]) == (1, 1)
    assert [p.subject for p in panel["urgent"]] == ["Khiếu nại bồi thường đất nông nghiệp"]

    client.force_login(world.officer_b)
    page = client.get("/")
    assert page.context["petitions"] is None
    assert "Khiếu nại bồi thường đất nông nghiệp" not in page.content.decode()
