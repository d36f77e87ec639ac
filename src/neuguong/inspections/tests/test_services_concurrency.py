"""Two people acting on the same inspection at once: the second writer waits for the first and then sees
its state, so no check passes on a state that has already moved and no change is lost (issue 12, point 5).

On PostgreSQL the writers run in two threads with real transactions, the first held open inside its
locked section; on SQLite (one writer at a time) the same rule is shown with a stale object in hand."""

import threading

import pytest
from django.db import connection

from neuguong.core.dates import local_today
from neuguong.core.errors import BusinessError
from neuguong.inspections import services
from neuguong.inspections.models import Inspection, InspectionState, Step, StepKind

from .factories import make_inspection, pdf

TODAY = local_today()


def _edit(tree, inspection, **changes):
    values = {
        "kind": inspection.kind,
        "title": "Tiêu đề sửa cùng lúc",
        "planned_start": inspection.planned_start,
        "planned_end": inspection.planned_end,
        "subject_organizations": [tree.org_a],
        "leader": inspection.leader,
    }
    return services.inspection_update(actor=tree.staff, inspection=inspection, **(values | changes))


def _decide(tree, inspection):
    return services.inspection_transition(
        actor=tree.staff, inspection=inspection, action="decide", happened_on=TODAY, files=[pdf()]
    )


# --- any database: the second writer holds an object loaded before the first wrote ------------------


@pytest.mark.django_db
def test_an_edit_made_from_a_page_loaded_before_the_decision_is_refused(tree):
    inspection = make_inspection(tree)
    stale = Inspection.objects.get(pk=inspection.pk)
    _decide(tree, inspection)
    with pytest.raises(BusinessError) as exc:
        _edit(tree, stale)
    assert exc.value.message == services.MSG_EDIT_PLANNED_ONLY
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.DECIDED
    assert inspection.title == "Kiểm tra việc thực hiện trách nhiệm nêu gương"


@pytest.mark.django_db
def test_the_same_button_pressed_twice_from_two_pages_takes_one_step(tree):
    inspection = make_inspection(tree)
    stale = Inspection.objects.get(pk=inspection.pk)
    _decide(tree, inspection)
    with pytest.raises(BusinessError) as exc:
        _decide(tree, stale)
    assert exc.value.message == services.MSG_WRONG_STATE.format(
        action="Ra quyết định", state="Đã có quyết định"
    )
    assert Step.objects.filter(inspection=inspection, kind=StepKind.DECISION).count() == 1
    # The stale object now holds what the database holds.
    assert stale.state == InspectionState.DECIDED and stale.decided_on == TODAY


@pytest.mark.django_db
def test_a_team_change_from_a_stale_page_keeps_the_state_another_user_moved(tree):
    inspection = make_inspection(tree)
    stale = Inspection.objects.get(pk=inspection.pk)
    _decide(tree, inspection)
    services.inspection_set_team(actor=tree.staff, inspection=stale, leader=stale.leader, team_members=[])
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.DECIDED and inspection.decided_on == TODAY


# --- PostgreSQL: two threads, two transactions -----------------------------------------------------

postgresql_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="needs concurrent transactions (PostgreSQL)"
)


class Writer(threading.Thread):
    """Runs `work` in its own connection; keeps what it returned or raised."""

    def __init__(self, name: str, work):
        super().__init__(name=name, daemon=True)
        self.work = work
        self.result = None
        self.error: BaseException | None = None

    def run(self):
        try:
            self.result = self.work()
        except BaseException as error:  # handed to the test
            self.error = error
        finally:
            connection.close()


@pytest.fixture
def first_writer_pauses(monkeypatch):
    """The first writer stops inside its locked section (at the date check of a step) until released."""
    inside, release = threading.Event(), threading.Event()
    check_date = services._check_date

    def pausing(inspection, happened_on):
        if threading.current_thread().name == "first":
            inside.set()
            assert release.wait(20)
        return check_date(inspection, happened_on)

    monkeypatch.setattr(services, "_check_date", pausing)
    return inside, release


def _race(first: Writer, second: Writer, inside: threading.Event, release: threading.Event) -> None:
    first.start()
    assert inside.wait(20), "the first writer never reached its locked section"
    second.start()
    second.join(0.5)
    # Not a timing assertion: the second writer must still be waiting for the first one's lock.
    blocked = second.is_alive()
    release.set()
    first.join(20)
    second.join(20)
    assert blocked, "the second writer did not wait for the first one's lock"
    assert first.error is None, first.error


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_an_edit_waits_for_a_decision_in_progress_then_sees_it(tree, first_writer_pauses):
    inspection = make_inspection(tree)
    page_a = Inspection.objects.get(pk=inspection.pk)
    page_b = Inspection.objects.get(pk=inspection.pk)
    first = Writer("first", lambda: _decide(tree, page_a))
    second = Writer("second", lambda: _edit(tree, page_b))
    _race(first, second, *first_writer_pauses)
    assert isinstance(second.error, BusinessError)
    assert second.error.message == services.MSG_EDIT_PLANNED_ONLY
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.DECIDED
    assert inspection.title == "Kiểm tra việc thực hiện trách nhiệm nêu gương"


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_decisions_make_one_step(tree, first_writer_pauses):
    inspection = make_inspection(tree)
    page_a = Inspection.objects.get(pk=inspection.pk)
    page_b = Inspection.objects.get(pk=inspection.pk)
    first = Writer("first", lambda: _decide(tree, page_a))
    second = Writer("second", lambda: _decide(tree, page_b))
    _race(first, second, *first_writer_pauses)
    assert isinstance(second.error, BusinessError)
    assert second.error.message == services.MSG_WRONG_STATE.format(
        action="Ra quyết định", state="Đã có quyết định"
    )
    assert Step.objects.filter(inspection=inspection, kind=StepKind.DECISION).count() == 1


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_cancellation_waits_for_a_decision_then_cancels_the_decided_inspection(tree, first_writer_pauses):
    inspection = make_inspection(tree)
    page_a = Inspection.objects.get(pk=inspection.pk)
    page_b = Inspection.objects.get(pk=inspection.pk)
    first = Writer("first", lambda: _decide(tree, page_a))
    second = Writer(
        "second",
        lambda: services.inspection_transition(
            actor=tree.staff, inspection=page_b, action="cancel", happened_on=TODAY, note="Trùng lịch"
        ),
    )
    _race(first, second, *first_writer_pauses)
    assert second.error is None, second.error
    inspection.refresh_from_db()
    # Both steps are kept, in order, and the decision date the first writer set is not lost.
    assert inspection.state == InspectionState.CANCELLED and inspection.decided_on == TODAY
    assert list(inspection.steps.values_list("kind", flat=True)) == [StepKind.DECISION, StepKind.CANCEL]
