"""Status tallies: commitment counts per organisation subtree, kept up to date by the database itself.

Why: the root of a province has a million commitments. Counting them on each request (subtree summary,
board counts, dashboard, report figures) cost seconds. Here every commitment is counted once in each
organisation of its path (its own and every one above), per deadline month and status, so "how many of
each status under this organisation" reads the rows of that one organisation (and of its children).

How it stays right:
- Triggers on the commitments table (created after every migrate by `ensure_installed`) (row triggers on SQLite, statement triggers with transition tables on
  PostgreSQL) append +1 / −1 rows for every insert, update and delete, whatever wrote them: services,
  factories, bulk_create, `QuerySet.update()`, raw SQL. Writers only append, so they never wait on each
  other for a hot counter row; `compact()` folds the rows now and then (scheduled), readers SUM(n).
- Status depends on the day. The tallies hold the statuses as of `TallyState.as_of`; `advance(day)` moves
  only the open commitments whose deadline lies between the old and the new day (a day's worth), under a
  lock that waits for in-flight writers. The scheduler advances every few minutes; a reader asking for
  today advances first if the job is late, and a reader asking for any other day counts live.
- The status expression here is the SQL form of `status.commitment_status`; tests check the tallies
  against live counts on generated data and after every kind of change.
- `PlanItemTally` counts only the commitments serving a plan item (`Commitment.plan_item`), per item,
  deadline month and category: a plan's progress over a province reads its items' rows; `PlanTally` the
  same per plan (the item's plan) at three resolutions, for a plan's figures by subtree.
- Moving an organisation moves its subtree's counts from the old ancestors to the new ones
  (`organization_moved` signal). `rebuild()` recomputes everything (`manage.py tally_rebuild`).
- With `COMMITMENT_ON_TIME_AGAINST_ORIGINAL` changed since the last build, the tallies are not used
  (every count is live) until rebuilt.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from neuguong.organizations.models import path_ids

from .models import (
    Commitment,
    LeadUnitTally,
    OrgTally,
    PlanItemTally,
    PlanTally,
    StatusTally,
    TallyRow,
    TallyState,
)
from .status import against_original_default

# Bump when the tables or the SQL change: `ensure_installed` (after every migrate) then rebuilds.
TALLY_VERSION = 3  # 2: awaiting confirmation; 3: PlanItemTally, PlanTally


@dataclass(frozen=True)
class Grain:
    model: type[TallyRow]
    # (column, SQL expression over the commitment row `c`)
    dims: tuple[tuple[str, str], ...]
    # Which commitments the grain counts (SQL over `c`); all of them when empty.
    where: str = ""
    # A table joined to the commitment row for the dimensions (the plan of its item).
    join: str = ""

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    @property
    def columns(self) -> list[str]:
        return [column for column, _ in self.dims] + ["status", "past"]


def _month_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"CAST(EXTRACT(YEAR FROM {column}) * 100 + EXTRACT(MONTH FROM {column}) AS integer)"
    return f"CAST(strftime('%Y%m', {column}) AS INTEGER)"


def _year_sql(column: str) -> str:
    """The year as yyyy00 (the key of a whole year beside the months' yyyymm)."""
    if connection.vendor == "postgresql":
        return f"CAST(EXTRACT(YEAR FROM {column}) * 100 AS integer)"
    return f"CAST(strftime('%Y', {column}) AS INTEGER) * 100"


def _grains() -> tuple[Grain, ...]:
    month = _month_sql("c.deadline")
    return (
        Grain(StatusTally, (("month", month), ("category", "c.category"), ("source_kind", "c.source_kind"))),
        Grain(LeadUnitTally, (("month", month), ("lead_unit_key", "COALESCE(c.lead_unit_id, 0)"))),
        # One table, three resolutions: all time (0), the deadline year (yyyy00), the deadline month.
        Grain(OrgTally, (("period", "0"),)),
        Grain(OrgTally, (("period", _year_sql("c.deadline")),)),
        Grain(OrgTally, (("period", month),)),
        # Only the commitments serving a plan item: a plan's progress reads its items' rows, and its
        # figures by subtree the plan's rows (the item's plan, joined by the item's primary key).
        Grain(
            PlanItemTally,
            (("plan_item_key", "c.plan_item_id"), ("month", month), ("category", "c.category")),
            where="c.plan_item_id IS NOT NULL",
        ),
        *(
            Grain(PlanTally, (("plan_key", "pi.plan_id"), ("period", period)), join=_plan_item_join())
            for period in ("0", _year_sql("c.deadline"), month)
        ),
    )


def _plan_item_join() -> str:
    """The plan items' table (the plans module's; named through the relation, never imported)."""
    table = Commitment._meta.get_field("plan_item").related_model._meta.db_table
    return f"JOIN {table} pi ON pi.id = c.plan_item_id"


def _tables() -> list[Grain]:
    """One grain per table (for what works on whole tables: clearing, compacting, moving)."""
    seen: dict[type, Grain] = {}
    for grain in _grains():
        seen.setdefault(grain.model, grain)
    return list(seen.values())


# The rule of `status.commitment_status` over a commitment row `c`, as of `s.as_of` (the state row).
STATUS_SQL = """CASE
    WHEN c.halt = 'cancelled' THEN 'cancelled'
    WHEN c.halt = 'suspended' THEN 'suspended'
    WHEN c.completed_on IS NOT NULL AND c.completion_pending THEN 'awaiting_confirmation'
    WHEN c.completed_on IS NOT NULL
         AND c.completed_on <= (CASE WHEN s.against_original THEN c.original_deadline ELSE c.deadline END)
         THEN 'done_on_time'
    WHEN c.completed_on IS NOT NULL THEN 'done_late'
    WHEN c.is_returned THEN 'returned'
    WHEN c.extension_pending THEN 'extension_requested'
    WHEN (CASE WHEN s.against_original THEN c.original_deadline ELSE c.deadline END) >= s.as_of
         THEN 'open_on_time'
    ELSE 'open_overdue'
END"""
# An open commitment waiting on a decision (`status.PENDING_STATUSES`) whose deadline has passed.
PAST_SQL = (
    "(c.halt = '' AND ((c.completed_on IS NULL AND (c.extension_pending OR c.is_returned))"
    " OR (c.completed_on IS NOT NULL AND c.completion_pending)) AND c.deadline < s.as_of)"
)
COMMITMENT_COLUMNS = (
    "organization_id",
    "deadline",
    "original_deadline",
    "completed_on",
    "halt",
    "extension_pending",
    "is_returned",
    "completion_pending",
    "category",
    "source_kind",
    "lead_unit_id",
    "plan_item_id",
)


def _keys_select(grain: Grain, source: str, sign: int, where: str = "") -> str:
    """SELECT (ancestor id, dimensions, status, past, sign) for each commitment of `source` (aliased c)
    and each organisation on its path."""
    if connection.vendor == "postgresql":
        ancestors = "CROSS JOIN LATERAL unnest(string_to_array(trim(both '/' from o.path), '/')) AS anc(id)"
        ancestor_id = "CAST(anc.id AS bigint)"
    else:
        ancestors = "JOIN organizations_organization a ON substr(o.path, 1, length(a.path)) = a.path"
        ancestor_id = "a.id"
    dims = ", ".join(f"{expr} AS {column}" for column, expr in grain.dims)
    where = " AND ".join(f"({condition})" for condition in (grain.where, where) if condition)
    # Only this module's own SQL fragments and integers are interpolated; nothing comes from a user.
    return (
        f"SELECT {ancestor_id} AS organization_id, {dims}, {STATUS_SQL} AS status, {PAST_SQL} AS past, "  # noqa: S608
        f"{sign} AS n FROM {source} c "
        "JOIN organizations_organization o ON o.id = c.organization_id "
        f"{grain.join} {ancestors} JOIN commitments_tallystate s ON s.id = 1 AND s.as_of IS NOT NULL"
        + (f" WHERE {where}" if where else "")
    )


def _insert_sql(grain: Grain, selects: list[str]) -> str:
    columns = ", ".join(grain.columns)
    union = " UNION ALL ".join(selects)
    return (
        f"INSERT INTO {grain.table} (organization_id, {columns}, n) "  # noqa: S608 — no user input
        f"SELECT organization_id, {columns}, SUM(n) FROM ({union}) k "
        f"GROUP BY organization_id, {columns} HAVING SUM(n) <> 0"
    )


# ---------------------------------------------------------------------------------------------------------
# Triggers (installed by migration 0005)


def _sqlite_row(alias: str) -> str:
    columns = ", ".join(f"{alias}.{column} AS {column}" for column in COMMITMENT_COLUMNS)
    return f"(SELECT {columns})"


def trigger_sql() -> list[str]:
    grains = _grains()
    if connection.vendor == "postgresql":

        def statements(*sources: tuple[str, int]) -> str:
            return "\n".join(
                _insert_sql(grain, [_keys_select(grain, table, sign) for table, sign in sources]) + ";"
                for grain in grains
            )

        function = f"""
CREATE OR REPLACE FUNCTION commitments_tally_sync() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    -- Shares the state row: advance() and rebuild() lock it FOR UPDATE and so wait for writers in flight.
    PERFORM 1 FROM commitments_tallystate WHERE id = 1 AND as_of IS NOT NULL FOR SHARE;
    IF NOT FOUND THEN RETURN NULL; END IF;
    IF TG_OP = 'INSERT' THEN
        {statements(("new_rows", 1))}
    ELSIF TG_OP = 'DELETE' THEN
        {statements(("old_rows", -1))}
    ELSE
        {statements(("old_rows", -1), ("new_rows", 1))}
    END IF;
    RETURN NULL;
END
$fn$"""
        return [
            function,
            "CREATE TRIGGER commitments_tally_ins AFTER INSERT ON commitments_commitment "
            "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION commitments_tally_sync()",
            "CREATE TRIGGER commitments_tally_upd AFTER UPDATE ON commitments_commitment "
            "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
            "FOR EACH STATEMENT EXECUTE FUNCTION commitments_tally_sync()",
            "CREATE TRIGGER commitments_tally_del AFTER DELETE ON commitments_commitment "
            "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION commitments_tally_sync()",
        ]

    def body(*rows: tuple[str, int]) -> str:
        return " ".join(
            _insert_sql(grain, [_keys_select(grain, _sqlite_row(alias), sign) for alias, sign in rows]) + ";"
            for grain in grains
        )

    return [
        "CREATE TRIGGER commitments_tally_ins AFTER INSERT ON commitments_commitment "
        f"BEGIN {body(('NEW', 1))} END",
        "CREATE TRIGGER commitments_tally_upd AFTER UPDATE ON commitments_commitment "
        f"BEGIN {body(('OLD', -1), ('NEW', 1))} END",
        "CREATE TRIGGER commitments_tally_del AFTER DELETE ON commitments_commitment "
        f"BEGIN {body(('OLD', -1))} END",
    ]


def drop_trigger_sql() -> list[str]:
    statements = [
        f"DROP TRIGGER IF EXISTS commitments_tally_{kind}"
        + (" ON commitments_commitment" if connection.vendor == "postgresql" else "")
        for kind in ("ins", "upd", "del")
    ]
    if connection.vendor == "postgresql":
        statements.append("DROP FUNCTION IF EXISTS commitments_tally_sync()")
    return statements


def _execute(*statements: str) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def install_triggers() -> None:
    _execute(*drop_trigger_sql(), *trigger_sql())


def ensure_installed() -> None:
    """Run after every `migrate` (and test flush): (re)create the triggers from this module, and rebuild
    the tallies when they were never built, or built by another layout or on-time rule. Done here rather
    than in a migration so the triggers always match the code and the complete schema."""
    from neuguong.core.dates import local_today

    if TallyState._meta.db_table not in connection.introspection.table_names():
        return
    install_triggers()
    state = TallyState.objects.filter(pk=1).first()
    if (
        state is None
        or state.as_of is None
        or state.version != TALLY_VERSION
        or state.against_original != against_original_default()
    ):
        rebuild(local_today())


# ---------------------------------------------------------------------------------------------------------
# Maintenance


def _locked_state() -> TallyState:
    """The state row, locked until the end of the transaction (writers' triggers share it)."""
    TallyState.objects.get_or_create(pk=1)
    return TallyState.objects.select_for_update().get(pk=1)


def _literal(day: dt.date) -> str:
    return f"'{day.isoformat()}'"  # a date object's ISO form: digits and dashes only


@transaction.atomic
def rebuild(today: dt.date) -> None:
    """Recompute every tally from the commitments, as of `today` with the configured on-time rule."""
    state = _locked_state()
    for grain in _tables():
        grain.model._default_manager.all().delete()  # the tallies' plain `objects`
    state.epoch += 1
    state.as_of = today
    state.against_original = against_original_default()
    state.version = TALLY_VERSION
    state.built_at = timezone.now()
    state.save()
    _execute(*(_insert_sql(grain, [_keys_select(grain, "commitments_commitment", 1)]) for grain in _grains()))


@transaction.atomic
def advance(today: dt.date) -> bool:
    """Re-date the tallies to `today`: only open commitments (a completion awaiting confirmation among
    them) whose deadline (current or original) lies between the old day and `today` can change status or
    `past`. Returns whether anything was re-dated."""
    state = _locked_state()
    if state.as_of is None or state.as_of == today:
        return False
    low, high = sorted((state.as_of, today))
    window = (
        "c.halt = '' AND (c.completed_on IS NULL OR c.completion_pending) AND ("
        f"(c.deadline >= {_literal(low)} AND c.deadline < {_literal(high)}) OR "
        f"(c.original_deadline >= {_literal(low)} AND c.original_deadline < {_literal(high)}))"
    )
    grains = _grains()
    # The window's commitments are copied once (an index scan: the deadline index and the open
    # commitments' original-deadline index) and every grain is counted from the copy, out then in: the
    # same rows on both sides, whatever writers do meanwhile (they wait on the state row's lock).
    temp = "pg_temp.tally_window" if connection.vendor == "postgresql" else "temp.tally_window"
    _execute(
        f"DROP TABLE IF EXISTS {temp}",
        f"CREATE TEMP TABLE tally_window AS SELECT * FROM commitments_commitment c WHERE {window}",  # noqa: S608
    )
    try:
        _execute(*(_insert_sql(g, [_keys_select(g, "tally_window", -1)]) for g in grains))
        state.as_of = today
        state.save(update_fields=["as_of"])
        _execute(*(_insert_sql(g, [_keys_select(g, "tally_window", 1)]) for g in grains))
    finally:
        _execute(f"DROP TABLE IF EXISTS {temp}")
    return True


def compact() -> None:
    """Fold the keys that have several rows (+1/−1 appended since the last run) into one row each, and
    drop keys that sum to zero. Keys already folded are not touched, so a quiet database is not
    rewritten every few minutes (and the report cache keyed on row ids stays valid). Each table's fold bumps
    `TallyState.epoch`."""
    for grain in _tables():
        columns = ", ".join(grain.columns)
        group = f"organization_id, {columns}"
        # Only this module's column and table names are interpolated.
        several = f"SELECT {group} FROM {grain.table} GROUP BY {group} HAVING COUNT(*) > 1"  # noqa: S608
        # The epoch is bumped last, in the fold's transaction: it waits only for the writers in flight
        # (their triggers share the state row) and holds new ones back only until the commit.
        bump = f"UPDATE {TallyState._meta.db_table} SET epoch = epoch + 1 WHERE id = 1"  # noqa: S608
        with transaction.atomic():
            if connection.vendor == "postgresql":
                _execute(
                    f"WITH moved AS (DELETE FROM {grain.table} WHERE ({group}) IN ({several}) "  # noqa: S608
                    f"RETURNING {group}, n) "
                    f"INSERT INTO {grain.table} ({group}, n) "
                    f"SELECT {group}, SUM(n) FROM moved GROUP BY {group} HAVING SUM(n) <> 0",
                    bump,
                )
                continue
            _execute(
                "DROP TABLE IF EXISTS temp.tally_compact",
                f"CREATE TEMP TABLE tally_compact AS SELECT {group}, SUM(n) AS n FROM {grain.table} "  # noqa: S608
                f"GROUP BY {group} HAVING COUNT(*) > 1",
                f"DELETE FROM {grain.table} WHERE ({group}) IN (SELECT {group} FROM temp.tally_compact)",  # noqa: S608
                f"INSERT INTO {grain.table} ({group}, n) "  # noqa: S608
                f"SELECT {group}, n FROM temp.tally_compact WHERE n <> 0",
                "DROP TABLE temp.tally_compact",
                bump,
            )


def move_subtree(organization_id: int, old_path: str, new_path: str) -> None:
    """An organisation moved: its subtree's counts leave the old ancestors and join the new ones."""

    def ids(path: str) -> set[int]:
        return set(path_ids(path)) - {organization_id}

    old, new = ids(old_path), ids(new_path)
    signs = [(pk, -1) for pk in sorted(old - new)] + [(pk, 1) for pk in sorted(new - old)]
    if not signs:
        return
    targets = " UNION ALL ".join(f"SELECT {int(pk)} AS id, {sign} AS sign" for pk, sign in signs)
    with transaction.atomic():
        state = _locked_state()
        if state.as_of is None:
            return
        for grain in _tables():
            columns = ", ".join(grain.columns)
            _execute(
                f"INSERT INTO {grain.table} (organization_id, {columns}, n) "  # noqa: S608
                f"SELECT x.id, {columns}, x.sign * SUM(t.n) FROM {grain.table} t "
                f"JOIN ({targets}) x ON 1 = 1 WHERE t.organization_id = {int(organization_id)} "
                f"GROUP BY x.id, x.sign, {columns} HAVING SUM(t.n) <> 0"
            )


# ---------------------------------------------------------------------------------------------------------
# Reading


class Generation(NamedTuple):
    """What figures read from the tallies follow (`generation`)."""

    newest: tuple  # the newest row id of each (tally, filters) asked for
    as_of: dt.date | None
    tree: tuple  # the organisations' newest change and newest id


def generation(newest: Sequence[tuple[type[TallyRow], Mapping[str, int]]]) -> Generation:
    """In one query of index lookups, what a cache of figures read from the tallies must follow:
    - the newest row of each tally under its equality filters (e.g. an organisation's own rows): every
      change to a commitment counted there appends rows, so writes elsewhere leave it unchanged;
    - the tally day;
    - the organisations' newest change and newest id (names label the rows; tree changes are rare). Both
      are one index lookup; COUNT(*) read 182,000 rows on every dashboard at national size. Organisations
      are dissolved, never deleted (their records protect them); a deletion shows within 120 s."""
    from neuguong.organizations.models import Organization

    org_table = Organization._meta.db_table
    parts, params = [], []
    for model, filters in newest:
        # Only the models' own table and column names are interpolated; values are parameters.
        columns = {field.name: field.column for field in model._meta.concrete_fields}
        where = " AND ".join(f"{columns[name]} = %s" for name in filters)
        parts.append(f"(SELECT MAX(id) FROM {model._meta.db_table} WHERE {where})")  # noqa: S608
        params += list(filters.values())
    parts += [
        f"(SELECT as_of FROM {TallyState._meta.db_table} WHERE id = 1)",  # noqa: S608
        f"(SELECT MAX(updated_at) FROM {org_table})",  # noqa: S608
        f"(SELECT MAX(id) FROM {org_table})",  # noqa: S608
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    count = len(newest)
    return Generation(tuple(row[:count]), row[count], tuple(row[count + 1 :]))


def tally_ready(today: dt.date) -> bool:
    """Whether counts as of `today` can be read from the tallies (advancing them first if the scheduled
    job is late and `today` is the real today)."""
    from neuguong.core.dates import local_today

    state = TallyState.objects.filter(pk=1).first()
    if state is None or state.as_of is None or state.against_original != against_original_default():
        return False
    if state.as_of == today:
        return True
    if today == local_today() and state.as_of < today:
        advance(today)
        return True
    return False


def _of_organizations(model, organization_ids):
    """The tally rows of these organisations: ids as a list, or a queryset of ids kept as a subquery."""
    if isinstance(organization_ids, QuerySet):
        return model.objects.filter(organization_id__in=organization_ids)
    return model.objects.filter(organization_id__any=list(organization_ids))  # core.lookups


class TallySnapshot:
    """What a computation read of the tallies, so that it can later add only the rows appended since
    (`appended_since`): for each table, the newest row id, and the tallies' epoch, both seen by
    the same statement as the rows (one snapshot). Tally rows are only appended, except by `compact` and
    `rebuild`, which bump the epoch: rows counted up to a mark are still there, unchanged, while the epoch
    is the same."""

    def __init__(self) -> None:
        self.marks: dict[str, int] = {}
        self.epochs: set[int | None] = set()

    @property
    def epoch(self) -> int | None:
        """The epoch every read saw, or None when they saw different ones (a fold between them)."""
        return next(iter(self.epochs)) if len(self.epochs) == 1 else None

    def mark(self, model) -> int | None:
        return self.marks.get(model._meta.db_table)


def _read(qs: QuerySet, model, snapshot: TallySnapshot | None) -> list[dict]:
    """The rows of `qs` (a `values()` query on `model`); with a snapshot, read in one statement with the
    table's newest id and the epoch, noted in it."""
    if snapshot is None:
        return list(qs)
    inner, params = qs.query.sql_with_params()
    # Only the models' own table names are interpolated; values travel as the query's parameters.
    sql = (
        f"SELECT s.epoch, (SELECT MAX(id) FROM {model._meta.db_table}), d.* "  # noqa: S608
        f"FROM {TallyState._meta.db_table} s LEFT JOIN ({inner}) d ON 1 = 1 WHERE s.id = 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description[2:]]
        found = cursor.fetchall()
    if not found:  # no state row: nothing to follow
        snapshot.epochs.add(None)
        return []
    snapshot.epochs.add(found[0][0])
    snapshot.marks[model._meta.db_table] = found[0][1] or 0
    # The LEFT JOIN's one row of NULLs when nothing matched (every real row has its keys and sums).
    return [dict(zip(names, row[2:], strict=True)) for row in found if any(v is not None for v in row[2:])]


class Appended(NamedTuple):
    """Tally rows appended after some marks (`appended_since`), summed: an organisation's own rows by
    category and month, by lead unit, and its children's rows by child."""

    epoch: int
    status_rows: list[dict]  # category, month, status, past, total
    unit_rows: list[dict]  # lead_unit_key, status, past, total
    child_rows: list[dict]  # organization_id, status, past, total


def appended_since(
    *, organization_id: int, months: tuple[int, int], periods: Sequence[int], marks: Mapping[str, int]
) -> Appended | None:
    """The rows appended to `StatusTally` and `LeadUnitTally` for the organisation and to `OrgTally` for
    its children (of `periods`) after `marks` (table → newest id counted), with the epoch, in ONE
    statement (one snapshot, one round trip: three ORM queries cost more to build than to run). None
    when the state row is missing."""
    from neuguong.organizations.models import Organization

    status, unit, org = StatusTally._meta.db_table, LeadUnitTally._meta.db_table, OrgTally._meta.db_table
    in_periods = ", ".join(["%s"] * len(periods)) or "NULL"
    # Only the models' own table names are interpolated; every value is a parameter.
    sql = f"""
        SELECT s.epoch, d.kind, d.k1, d.k2, d.status, d.past, d.total
        FROM {TallyState._meta.db_table} s LEFT JOIN (
            SELECT 's' AS kind, category AS k1, month AS k2, status, past, SUM(n) AS total FROM {status}
            WHERE id > %s AND organization_id = %s AND month >= %s AND month <= %s
            GROUP BY category, month, status, past
            UNION ALL
            SELECT 'u', NULL, lead_unit_key, status, past, SUM(n) FROM {unit}
            WHERE id > %s AND organization_id = %s AND month >= %s AND month <= %s
            GROUP BY lead_unit_key, status, past
            UNION ALL
            SELECT 'o', NULL, t.organization_id, t.status, t.past, SUM(t.n) FROM {org} t
            JOIN {Organization._meta.db_table} c ON c.id = t.organization_id
            WHERE t.id > %s AND c.parent_id = %s AND t.period IN ({in_periods})
            GROUP BY t.organization_id, t.status, t.past
        ) d ON 1 = 1 WHERE s.id = 1"""  # noqa: S608
    params = [
        *(marks[status], organization_id, *months),
        *(marks[unit], organization_id, *months),
        *(marks[org], organization_id, *periods),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    if not found:
        return None
    appended = Appended(found[0][0], [], [], [])
    for _epoch, kind, k1, k2, code, past, total in found:
        if kind == "s":
            appended.status_rows.append(
                {"category": k1, "month": k2, "status": code, "past": past, "total": total}
            )
        elif kind == "u":
            appended.unit_rows.append({"lead_unit_key": k2, "status": code, "past": past, "total": total})
        elif kind == "o":
            appended.child_rows.append({"organization_id": k2, "status": code, "past": past, "total": total})
    return appended


def tally_rows(
    model,
    organization_ids,
    *,
    group: tuple[str, ...] = (),
    months: tuple[int, int] | None = None,
    snapshot: TallySnapshot | None = None,
    **filters: Any,
) -> list[dict]:
    """Summed tally rows of the given organisations (each one's whole subtree), grouped by `group` plus
    status and past; keys that sum to zero are left out. One query. `snapshot` notes what was read."""
    qs = _of_organizations(model, organization_ids).filter(**filters)
    if months is not None:
        qs = qs.filter(month__gte=months[0], month__lte=months[1])
    grouped = qs.values(*group, "status", "past").annotate(total=Sum("n")).exclude(total=0)
    return _read(grouped.order_by(), model, snapshot)


def tally_by_organization(
    model,
    organization_ids,
    *,
    snapshot: TallySnapshot | None = None,
    **filters,
) -> dict[int, tuple[dict[str, int], int]]:
    """{organisation id: ({status: count}, pending past deadline)} — one row per organisation (the
    statuses pivoted in SQL), so 1,500 children are 1,500 rows, not one per status and month.
    `snapshot` as for `tally_rows`."""
    from .status import PENDING_STATUSES, STATUS_CODES

    aggregates = {f"s_{code}": Sum("n", filter=Q(status=code)) for code in STATUS_CODES}
    aggregates["pending_past"] = Sum("n", filter=Q(past=True, status__in=PENDING_STATUSES))
    qs = _of_organizations(model, organization_ids).filter(**filters)
    rows = _read(qs.values("organization_id").annotate(**aggregates).order_by(), model, snapshot)
    return {
        row["organization_id"]: (
            {code: row[f"s_{code}"] or 0 for code in STATUS_CODES},
            row["pending_past"] or 0,
        )
        for row in rows
    }


def period_keys(months: tuple[int, int]) -> list[int]:
    """The `OrgTally.period` keys covering a month range: whole years as yyyy00, other months as yyyymm."""
    first, last = months
    keys: list[int] = []
    year, month = divmod(first, 100)
    while year * 100 + month <= last:
        if month == 1 and year * 100 + 12 <= last:
            keys.append(year * 100)
            year += 1
            continue
        keys.append(year * 100 + month)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return keys


def month_range(start: dt.date, end: dt.date) -> tuple[int, int] | None:
    """(yyyymm, yyyymm) when [start, end] is whole months, else None (the tallies cannot split a month)."""
    if start.day != 1 or (end + dt.timedelta(days=1)).day != 1 or end < start:
        return None
    return start.year * 100 + start.month, end.year * 100 + end.month
