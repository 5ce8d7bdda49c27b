"""A filter bar's choices of rows draw their labels once and reuse them (core/options.py): the
<select> is Django's own, character for character; which options a user gets is read on every
page (a ward officer's stay their own, a new one shows at once); a label changed shows at once
when changed in this process or by the user, within the TTL otherwise."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.db import connection
from django.forms.renderers import DjangoTemplates
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dieuhanh.core import figurecache
from dieuhanh.core.forms import BodyChoiceField, FilterForm, PersonChoiceField
from dieuhanh.core.options import DrawnSelect
from dieuhanh.directives.forms import TaskFilterForm
from dieuhanh.directives.models import Document
from dieuhanh.org.choices import UnitKind, UnitLevel
from dieuhanh.org.models import AdminUnit, Organisation, Person
from dieuhanh.testing import signed_in


class Choices(FilterForm):
    unit = forms.ModelChoiceField(AdminUnit.objects.none(), required=False, empty_label="Tất cả <mọi>")
    person = PersonChoiceField(Person.objects.none(), required=False, empty_label=None)
    body = BodyChoiceField(Organisation.objects.none(), required=False)
    by_code = forms.ModelChoiceField(AdminUnit.objects.none(), required=False, to_field_name="name")  # drawn by Django

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = AdminUnit.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["person"].queryset = Person.objects.order_by("full_name")  # type: ignore[attr-defined]
        self.fields["body"].queryset = Organisation.objects.select_related("unit").order_by("name")  # type: ignore[attr-defined]
        self.fields["by_code"].queryset = AdminUnit.objects.order_by("name")  # type: ignore[attr-defined]


def _django(form: FilterForm, name: str) -> str:
    """The field as Django draws it, through its templates."""
    field = form.fields[name]
    widget = forms.Select(attrs=field.widget.attrs)
    widget.choices = field.choices  # type: ignore[attr-defined]
    widget.is_required = field.required
    bound = forms.BoundField(form, field, name)
    return bound.as_widget(widget=widget)


def test_the_choices_are_drawn_exactly_as_django_draws_them(world):
    AdminUnit.objects.create(code="1", name='Xã "Lê" <Lợi> & Co', level=UnitLevel.COMMUNE, kind=UnitKind.COMMUNE)
    for data in (None, {"unit": str(world.ward_a.pk), "person": str(world.leader_person.pk)},
                 {"unit": "999999", "body": "x", "by_code": "Phường Chí Linh"}, {"unit": ""}):
        for _ in range(2):  # drawn, then reused
            form = Choices(data, renderer=DjangoTemplates())
            for name in form.fields:
                assert isinstance(form.fields[name].widget, DrawnSelect)
                assert str(form[name]) == _django(form, name), (name, data)


def _units_offered(user) -> str:
    return str(TaskFilterForm(user=user)["unit"])


def test_each_user_is_offered_only_what_they_may_see(world):
    world.task()  # ward A
    world.task(lead_unit=world.ward_b, lead_person=world.officer_b_person)
    leader = _units_offered(world.leader)  # drawn first, by the one who sees both
    assert world.ward_a.name in leader and world.ward_b.name in leader
    mine = _units_offered(world.officer_a)
    assert world.ward_a.name in mine and world.ward_b.name not in mine
    theirs = _units_offered(world.officer_b)
    assert world.ward_b.name in theirs and world.ward_a.name not in theirs


def test_a_choice_added_or_renamed_shows_at_once(world):
    world.task()
    assert "Phường Mới" not in _units_offered(world.admin)
    new = AdminUnit.objects.create(
        code="99999", name="Phường Mới", level=UnitLevel.COMMUNE, kind=UnitKind.WARD, parent=world.city
    )
    world.task(actor=world.admin, lead_unit=new)
    assert "Phường Mới" in _units_offered(world.admin)
    new.name = "Phường Mới Đổi Tên"
    new.save()  # a label's row saved in this process
    assert "Phường Mới Đổi Tên" in _units_offered(world.admin)
    world.leader_person.full_name = "Trần Văn Lãnh Mới"
    world.leader_person.save()
    assert "Trần Văn Lãnh Mới" in str(TaskFilterForm(user=world.admin)["leader"])


def test_a_post_taken_shows_in_the_leaders_label_at_once(world):
    from dieuhanh.org.models import Assignment, Position

    world.task()
    assert "Bí thư Thành uỷ" not in str(TaskFilterForm(user=world.office)["leader"])
    post = Position.objects.create(organisation=world.party_committee, title="Bí thư Thành uỷ", is_head=True)
    Assignment.objects.create(person=world.leader_person, position=post, start_date=dt.date(2025, 1, 1))
    assert "Bí thư Thành uỷ, Thành uỷ Chí Linh" in str(TaskFilterForm(user=world.office)["leader"])


def test_a_label_changed_elsewhere_shows_within_the_ttl(world, monkeypatch):
    world.task()
    now = figurecache.clock()
    monkeypatch.setattr(figurecache, "clock", lambda: now)
    assert world.ward_a.name in _units_offered(world.office)
    AdminUnit.objects.filter(pk=world.ward_a.pk).update(name="Phường Đổi Ở Nơi Khác")  # no signal: another process
    monkeypatch.setattr(figurecache, "clock", lambda: now + figurecache.ttl() + 1)
    assert "Phường Đổi Ở Nơi Khác" in _units_offered(world.office)


def test_the_users_own_change_shows_at_once_whichever_process_made_it(world):
    world.task(source_document=world.resolution)
    client = signed_in(world.office)
    url = reverse("directives:task_list")
    assert "Nghị quyết Đại hội" in client.get(url).content.decode()
    # The office renames the document in another process: there, the change stamps its author.
    Document.objects.filter(pk=world.resolution.pk).update(title="Nghị quyết đã sửa tên")
    figurecache.changed(world.office.pk)
    assert "Nghị quyết đã sửa tên" in client.get(url).content.decode()


def test_labels_reused_cost_no_rows(world):
    world.task()
    client = signed_in(world.office)
    url = reverse("directives:task_list")
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url).content.decode()
    assert world.leader_person.full_name in html
    read = [q["sql"] for q in queries.captured_queries]
    assert not any('"org_assignment"' in sql for sql in read)  # the leaders' posts were not read again
    assert not any(sql.startswith('SELECT "org_adminunit"."id", "org_adminunit"."code"') for sql in read)  # nor the units


def test_the_task_lists_options_are_kept_until_who_leads_a_task_changes(world):
    """The task list's filter bar keeps which units, leaders and documents it offers under the
    stamps of the tables they come from (directives/forms.py `_TASK_OPTIONS`): a page reads
    none of them again until a task is added, removed or given to another unit or leader, in
    any process; a progress report changes none of them."""
    from dieuhanh.directives.models import Task

    task = world.task()  # ward A, led for the leader
    client = signed_in(world.office)
    url = reverse("directives:task_list")

    def options_read() -> tuple[list[str], str]:
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url).content.decode()
        read = [q["sql"] for q in queries.captured_queries]
        return [sql for sql in read if "DISTINCT" in sql or ' AS "pk" FROM' in sql], html

    assert options_read()[0]  # the first page works them out
    read, html = options_read()
    assert read == [] and world.ward_a.name in html
    Task.objects.filter(pk=task.pk).update(progress_percent=60)  # no signal: as another process
    assert options_read()[0] == []
    Task.objects.filter(pk=task.pk).update(lead_unit=world.ward_b, accountable_person=world.officer_b_person)
    read, html = options_read()
    assert read, "a task given to another unit must be read again"
    assert f">{world.ward_b.name}</option>" in html and f">{world.ward_a.name}</option>" not in html
    assert world.officer_b_person.full_name in html


def test_the_registers_options_are_kept_until_a_petition_arises_elsewhere(world):
    """The petition register's filter bar (petitions/forms.py `_PETITION_OPTIONS`) reads the
    units and years it offers again when a petition is received, removed, or moves to another
    unit, not when a petition takes a step."""
    from dieuhanh.petitions.models import Petition

    petition = world.petition()  # ward A
    client = signed_in(world.leader)
    url = reverse("petitions:petition_list")

    def options_read() -> tuple[list[str], str]:
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url).content.decode()
        return [q["sql"] for q in queries.captured_queries if "DISTINCT" in q["sql"]], html

    assert options_read()[0]
    assert options_read()[0] == []
    Petition.objects.filter(pk=petition.pk).update(state="verifying")  # a step, as another process
    assert options_read()[0] == []
    Petition.objects.filter(pk=petition.pk).update(unit=world.ward_b, receiving_unit=world.ward_b)
    read, html = options_read()
    assert read and f">{world.ward_b.name}</option>" in html and f">{world.ward_a.name}</option>" not in html
