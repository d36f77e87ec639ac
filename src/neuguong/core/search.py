"""Name search that holds at national size: one ranking rule, a word index on PostgreSQL.

What matches is today's rule, unchanged: the folded query (no diacritics, no case, đ→d) is a substring of
the folded name, or the query is the record's code (card number, organisation code). What comes first:

1. the code match;
2. names where what the user typed, diacritics included, begins the name or one of its words
   ("Hường" before "Hương" when the user typed "Hường"); only when the query carries diacritics;
3. names that begin with the folded query, then names with a word that begins with it;
4. the rest (the query inside a word: "guyen" in "nguyen").
Within a rank: by the matching part of the name (the name from the matching word on), then the whole
folded name, then id. `rank_key` is that rule in Python; it ranks small candidate sets (SQLite, a
secretary's subtree) and is the oracle the tests hold the PostgreSQL path to.

Why an index of its own: at national size "nguyen van" matches a million people. A trigram index finds
them, but the first 50 by name still means sorting a million rows (683 ms). Here every name is kept as
its word suffixes ("nguyen van an", "van an", "an"), folded and exact, in a table with one B-tree, so
each rank above is one range scan that reads rows already in ranking order and stops after the page:
the cost follows the page size, not the number of matches. Rank 4 looks up, in the table of distinct
words, the words holding the query inside, then reads those words' suffixes.

The table is PostgreSQL only, and the database keeps it: statement triggers on the source table (with
transition tables, so a bulk insert of 5,000 people is two statements) rewrite the suffixes of every
inserted or renamed row, whatever wrote it, and TRUNCATE empties it. `ensure_installed()` (after every
migrate) recreates the triggers and rebuilds the table when its layout (`INDEX_VERSION`) changed.
"""

# SQL here interpolates only this module's table and column names and constants; values are parameters.
# ruff: noqa: S608
from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils.functional import cached_property

from .text import normalize_text, search_key

INDEX_VERSION = 1

# Vietnamese letters (and ASCII) upper → lower, by table: PostgreSQL's lower() follows the database's
# locale (a C locale leaves "Ư" alone), so the exact form is made with translate() from this table, the
# same on every server and in Python.
_BASES = "aăâeêioôơuưy"
_TONES = ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
_LOWER_LETTERS = sorted(
    {unicodedata.normalize("NFC", base + tone) for base in _BASES for tone in _TONES}
    | {"đ"}
    | set("abcdefghijklmnopqrstuvwxyz")
)
VI_UPPER = "".join(letter.upper() for letter in _LOWER_LETTERS)
VI_LOWER = "".join(_LOWER_LETTERS)
_VI_LOWER_TABLE = str.maketrans(VI_UPPER, VI_LOWER)


def vi_lower(value: str) -> str:
    """Lower case for ASCII and Vietnamese letters only (what `translate(x, VI_UPPER, VI_LOWER)` does)."""
    return value.translate(_VI_LOWER_TABLE)


@dataclass(frozen=True)
class SearchTerms:
    key: str  # folded query: what matches
    exact: str  # the query as typed, lower case (empty when it carries no diacritics)
    code: str  # the query as a code (card number, organisation code)


def parse_query(query: str) -> SearchTerms:
    key = search_key(query)
    exact = vi_lower(normalize_text(query[:400]).replace("\x00", ""))[:100]
    return SearchTerms(
        key=key, exact=exact if exact and exact != key else "", code=query.replace("\x00", "").strip()[:32]
    )


def _tails(name: str) -> list[str]:
    words = name.split(" ") if name else []
    return [" ".join(words[i:]) for i in range(len(words))]


def rank_key(terms: SearchTerms, *, folded: str, name: str, pk: int) -> tuple | None:
    """The rank of a record whose folded name is `folded` and name `name`, or None when it does not
    match by name (see the module docstring). Smaller sorts first."""
    key = terms.key
    if not key or key not in folded:
        return None
    candidates = []
    if terms.exact:
        for i, tail in enumerate(_tails(vi_lower(name))):
            if tail.startswith(terms.exact):
                candidates.append((1, 0, min(i, 1), "", tail, folded, pk))
        if candidates:
            return min(candidates)
    tails = _tails(folded)
    for i, tail in enumerate(tails):
        if tail.startswith(key):
            candidates.append((1, 1, min(i, 1), "", tail, folded, pk))
    if candidates:
        return min(candidates)
    words = folded.split(" ")
    first, space, _ = key.partition(" ")
    for i, word in enumerate(words):
        if space:
            inside = (
                len(word) > len(first)
                and word.endswith(first)
                and tails[i].startswith(word[: -len(first)] + key)
            )
        else:
            inside = word.find(key, 1) >= 0
        if inside:
            candidates.append((1, 1, 2, word, tails[i], folded, pk))
    return min(candidates)


def rank_rows(terms: SearchTerms, rows: Iterable[tuple[int, str, str, str]]) -> list[int]:
    """Ids of (pk, folded, name, code) rows that match, in ranking order: code matches, then by name."""
    ranked = []
    for pk, folded, name, code in rows:
        if terms.code and code == terms.code:
            ranked.append(((0, pk), pk))
        elif (key := rank_key(terms, folded=folded, name=name, pk=pk)) is not None:
            ranked.append((key, pk))
    ranked.sort()
    return [pk for _, pk in ranked]


def _after_prefix(prefix: str) -> str | None:
    """The smallest string above every string that starts with `prefix` (code point order, which is
    the byte order of UTF-8 under the "C" collation), or None when there is none."""
    chars = list(prefix)
    while chars:
        following = ord(chars.pop()) + 1
        if 0xD800 <= following <= 0xDFFF:
            following = 0xE000
        if following <= 0x10FFFF:
            return "".join(chars) + chr(following)
    return None


_TOP = "\U0010ffff"
_LIMIT = object()  # stands for the LIMIT parameter in a query's parameter list


@dataclass(frozen=True)
class Restriction:
    """What a search may return besides the whole table: records of these organisations (the scope
    column), these record ids, and source-row conditions (SQL over `s`, with parameters), never the
    `excluded_ids` (checked on the index row itself: no lookup of the source row)."""

    organization_ids: Sequence[int] | None = None  # None: any organisation
    also_ids: Sequence[int] = ()
    conditions: Sequence[tuple[str, Sequence]] = ()
    excluded_ids: Sequence[int] = ()


class NameIndex:
    """The word-suffix table of one source table's names (PostgreSQL)."""

    def __init__(self, *, source: str, name: str, folded: str, scope: str):
        self.source, self.name, self.folded, self.scope = source, name, folded, scope
        self.table = f"{source}_terms"
        self.words = f"{source}_words"

    # -- schema ------------------------------------------------------------------------------------

    @property
    def _version(self) -> str:
        return f"neuguong name index {INDEX_VERSION}"

    def _terms_select(self, rows: str) -> str:
        """(source_id, position, first, organization_id, tail, tail_exact, name_folded) of every word
        suffix of the rows of `rows` (aliased r): folded and exact words side by side."""
        exact = f"translate(r.{self.name}, '{VI_UPPER}', '{VI_LOWER}')"
        return f"""
            SELECT r.id, s.i - 1, s.i = 1, r.{self.scope},
                   array_to_string(a.f[s.i:], ' '), array_to_string(a.e[s.i:], ' '), r.{self.folded}
            FROM {rows} r
            CROSS JOIN LATERAL (SELECT string_to_array(r.{self.folded}, ' ') AS f,
                                       string_to_array({exact}, ' ') AS e) a
            CROSS JOIN LATERAL generate_series(1, GREATEST(cardinality(a.f), cardinality(a.e))) AS s(i)"""

    def _fill_sql(self, rows: str) -> list[str]:
        columns = "source_id, position, first, organization_id, tail, tail_exact, name_folded"
        return [
            f"INSERT INTO {self.table} ({columns}) {self._terms_select(rows)}",
            f"INSERT INTO {self.words} (word) SELECT DISTINCT w FROM {rows} r "
            f"CROSS JOIN LATERAL unnest(string_to_array(r.{self.folded}, ' ')) AS w "
            "WHERE w <> '' ON CONFLICT DO NOTHING",
        ]

    def _create_sql(self) -> list[str]:
        return [
            f"DROP TABLE IF EXISTS {self.table}",
            f"DROP TABLE IF EXISTS {self.words}",
            f"""CREATE TABLE {self.table} (
                source_id bigint NOT NULL,
                position smallint NOT NULL,
                first boolean NOT NULL,
                organization_id bigint,
                tail varchar COLLATE "C" NOT NULL,
                tail_exact varchar COLLATE "C" NOT NULL,
                name_folded varchar COLLATE "C" NOT NULL)""",
            f'CREATE TABLE {self.words} (word varchar COLLATE "C" PRIMARY KEY)',
            f"COMMENT ON TABLE {self.table} IS '{self._version}'",
        ]

    def _index_sql(self) -> list[str]:
        return [
            f"CREATE INDEX {self.table}_source ON {self.table} (source_id)",
            f"CREATE INDEX {self.table}_folded ON {self.table} (first, tail, name_folded, source_id) "
            "INCLUDE (organization_id)",
            f"CREATE INDEX {self.table}_exact ON {self.table} (first, tail_exact, name_folded, source_id) "
            "INCLUDE (organization_id)",
        ]

    def _trigger_sql(self) -> list[str]:
        changed = (
            f"(SELECT n.* FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE "
            f"(n.{self.name}, n.{self.folded}, n.{self.scope}) IS DISTINCT FROM "
            f"(o.{self.name}, o.{self.folded}, o.{self.scope}))"
        )
        fill_new = ";\n        ".join(self._fill_sql("new_rows"))
        fill_changed = ";\n        ".join(self._fill_sql(changed))
        function = f"{self.table}_sync"
        return [
            f"""CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {fill_new};
    ELSIF TG_OP = 'DELETE' THEN
        DELETE FROM {self.table} t USING old_rows o WHERE t.source_id = o.id;
    ELSIF TG_OP = 'UPDATE' THEN
        DELETE FROM {self.table} t USING {changed} c WHERE t.source_id = c.id;
        {fill_changed};
    ELSE
        TRUNCATE {self.table};
    END IF;
    RETURN NULL;
END
$fn$""",
            f"CREATE TRIGGER {self.table}_ins AFTER INSERT ON {self.source} REFERENCING NEW TABLE AS new_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
            f"CREATE TRIGGER {self.table}_upd AFTER UPDATE ON {self.source} "
            "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
            f"CREATE TRIGGER {self.table}_del AFTER DELETE ON {self.source} REFERENCING OLD TABLE AS old_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
            f"CREATE TRIGGER {self.table}_trunc AFTER TRUNCATE ON {self.source} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
        ]

    def _drop_trigger_sql(self) -> list[str]:
        return [
            f"DROP TRIGGER IF EXISTS {self.table}_{kind} ON {self.source}"
            for kind in ("ins", "upd", "del", "trunc")
        ]

    def _execute(self, statements: Iterable[str], params: Sequence | None = None) -> None:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql, params)

    def is_current(self) -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT obj_description(to_regclass(%s), 'pg_class')", [self.table])
            return cursor.fetchone()[0] == self._version

    @transaction.atomic
    def rebuild(self) -> None:
        """Recreate the table from the source rows (its triggers wait meanwhile: the source is locked)."""
        self._execute([f"LOCK TABLE {self.source} IN SHARE MODE", "SET LOCAL maintenance_work_mem = '512MB'"])
        self._execute(self._create_sql())
        self._execute(self._fill_sql(self.source))
        self._execute(self._index_sql())
        self._execute([f"ANALYZE {self.table}", f"ANALYZE {self.words}"])

    def ensure_installed(self) -> None:
        """After every migrate: the triggers from this code, the table rebuilt if its layout changed."""
        if connection.vendor != "postgresql":
            return
        if self.source not in connection.introspection.table_names():
            return
        with transaction.atomic():
            self._execute(self._drop_trigger_sql())
            rebuilt = not self.is_current()
            if rebuilt:
                self.rebuild()
            self._execute(self._trigger_sql())
        if rebuilt and not connection.in_atomic_block:
            # Marks the new pages all-visible, so the scans read the index alone (no heap fetches).
            self._execute([f"VACUUM (ANALYZE) {self.table}"])

    # -- reading -----------------------------------------------------------------------------------

    def _restriction_sql(self, restriction: Restriction | None) -> tuple[str, list]:
        if restriction is None:
            return "", []
        sql, params = [], []
        if restriction.organization_ids is not None:
            allowed = "t.organization_id = ANY(%s)"
            params.append(list(restriction.organization_ids))
            if restriction.also_ids:
                allowed = f"({allowed} OR t.source_id = ANY(%s))"
                params.append(list(restriction.also_ids))
            sql.append(allowed)
        if restriction.excluded_ids:
            sql.append("t.source_id <> ALL(%s)")
            params.append(list(restriction.excluded_ids))
        if restriction.conditions:
            where = " AND ".join(condition for condition, _ in restriction.conditions)
            sql.append(f"EXISTS (SELECT 1 FROM {self.source} s WHERE s.id = t.source_id AND {where})")
            for _, condition_params in restriction.conditions:
                params.extend(condition_params)
        return "".join(f" AND {part}" for part in sql), params

    def _range(self, column: str, prefix: str) -> tuple[str, list]:
        upper = _after_prefix(prefix)
        if upper is None:
            return f"starts_with(t.{column}, %s)", [prefix]
        return f"t.{column} >= %s AND t.{column} < %s", [prefix, upper]

    @staticmethod
    def _collect(
        run: Callable[[int], list[tuple]], keep, want: int, seen: set[int], found: list[int]
    ) -> None:
        """Append to `found` the ids of `run(limit)` (rows (id, tail, folded name) in ranking order) that
        `keep(tail, folded)` accepts and were not seen, until `found` holds `want`. Rows left out (a record
        with two matching words, one ranked higher already, a row the query's range holds but `keep`
        refuses) use up the limit: when a full round brings too few, it runs again with a larger limit.
        The checks are made here, not in SQL, so the planner's row estimate is that of the index range
        alone and it keeps choosing the ordered index scan (an extra filter it cannot estimate made it
        sort 46,000 rows to return 1,000)."""
        limit = want - len(found) + len(seen) + 8
        while True:
            rows = run(limit)
            added: dict[int, None] = {}
            for pk, tail, folded in rows:
                if pk not in seen and keep(tail, folded):
                    added[pk] = None
                    if len(found) + len(added) >= want:
                        break
            if len(found) + len(added) >= want or len(rows) < limit:
                found.extend(added)
                seen.update(added)
                return
            limit *= 4

    def _run(self, sql: str, params: list) -> Callable[[int], list[tuple]]:
        def run(limit: int) -> list[tuple]:
            with connection.cursor() as cursor:
                cursor.execute(sql, [limit if part is _LIMIT else part for part in params])
                return cursor.fetchall()

        return run

    def _half(self, column: str, first: bool, rng: str, extra: str) -> str:
        """One half of the index (the suffixes that begin the name, or the later ones), read in order."""
        return (
            f"SELECT t.source_id, t.{column}, t.name_folded FROM {self.table} t "
            f"WHERE {'' if first else 'NOT '}t.first AND {rng}{extra} "
            f"ORDER BY t.{column}, t.name_folded, t.source_id LIMIT %s"
        )

    def ranked_ids(
        self, terms: SearchTerms, *, want: int, restriction: Restriction | None = None, first_ids=()
    ) -> list[int]:
        """Up to `want` ids of matching records in ranking order (after `first_ids`, the code matches)."""
        found: list[int] = list(dict.fromkeys(first_ids))[:want]
        seen = set(found)
        key = terms.key
        if not key or len(found) >= want:
            return found
        extra, extra_params = self._restriction_sql(restriction)
        ranks = []
        if terms.exact:
            # Typed with diacritics: the exact form begins the name or a word, and the folded query matches.
            ranks.append(("tail_exact", terms.exact, lambda tail, folded: key in folded))
        ranks.append(("tail", key, lambda tail, folded: True))
        for column, prefix, keep in ranks:
            rng, rng_params = self._range(column, prefix)
            for first in (True, False):
                run = self._run(self._half(column, first, rng, extra), [*rng_params, *extra_params, _LIMIT])
                self._collect(run, keep, want, seen, found)
                if len(found) >= want:
                    return found
        self._scan_inside(terms, want, seen, found, extra, extra_params)
        return found

    def _scan_inside(self, terms, want, seen, found, extra, extra_params) -> None:
        """Rank 4: the query inside a word. The distinct words holding it come from the words table;
        then each word's suffixes are read in order, word by word."""
        key = terms.key
        head, space, _ = key.partition(" ")
        with connection.cursor() as cursor:
            if space:
                cursor.execute(
                    f"SELECT word FROM {self.words} WHERE length(word) > %s AND right(word, %s) = %s ORDER BY word",
                    [len(head), len(head), head],
                )
            else:
                cursor.execute(
                    f"SELECT word FROM {self.words} WHERE strpos(substr(word, 2), %s) > 0 ORDER BY word",
                    [key],
                )
            words = [word for (word,) in cursor.fetchall()]
        for word in words:
            if space:
                # The suffixes that begin with the word's head, then the query (which goes on past the word).
                low = word[: -len(head)] + key
                high = _after_prefix(low) or low + _TOP

                def keep(tail, folded, word=word):
                    return True
            else:
                # The word itself, or the word and a space: [word, word + '!') holds both ('!' follows ' ').
                low, high = word, word + "!"

                def keep(tail, folded, word=word):
                    return tail == word or tail.startswith(word + " ")

            rng = "t.tail >= %s AND t.tail < %s"
            # Both halves of the index are read in order, then merged (a Merge Append).
            halves = " UNION ALL ".join(
                f"({self._half('tail', first, rng, extra)})" for first in (True, False)
            )
            sql = f"SELECT * FROM ({halves}) x ORDER BY 2, 3, 1 LIMIT %s"
            half_params = [low, high, *extra_params, _LIMIT]
            self._collect(self._run(sql, [*half_params, *half_params, _LIMIT]), keep, want, seen, found)
            if len(found) >= want:
                return


class RankedResults(Sequence):
    """Search results in ranking order, for the paginator: ids known up front (at most the paginator's
    cap plus one), records fetched a page at a time by `fetch(ids)`. `estimate`, when given, says about
    how many match in all (asked only when the page shows it)."""

    def __init__(
        self,
        ids: list[int],
        fetch: Callable[[list[int]], dict],
        *,
        complete: bool,
        estimate: Callable[[], int | None] | None = None,
    ):
        self.ids = ids
        self.fetch = fetch
        self.complete = complete  # False: there may be more matches than `ids`
        self._estimate = estimate

    @cached_property
    def approximate_count(self) -> int | None:
        """About how many match, rounded to two significant digits; None when unknown or not worth
        saying (the planner's estimate is only good for broad queries)."""
        if self.complete or self._estimate is None:
            return None
        estimate = self._estimate()
        if estimate is None or estimate < APPROXIMATE_FROM:
            return None
        return int(float(f"{estimate:.2g}"))

    def count(self, value: object = None, /) -> int:  # what Paginator calls (no value): how many
        return len(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index):
        if isinstance(index, slice):
            ids = self.ids[index]
            by_id = self.fetch(ids)
            return [by_id[pk] for pk in ids if pk in by_id]
        return self[index : index + 1][0] if index >= 0 else self[len(self) + index]


# Below this many, "khoảng 3.000" would be a guess: the page says "hơn 1.000" instead.
APPROXIMATE_FROM = 5_000


def planner_estimate(queryset) -> int | None:
    """PostgreSQL's own estimate of the rows of `queryset` (its statistics of the columns): one planning,
    no scan. Within about 20 % for broad name searches ("thi": 21,200 estimated, 17,557 found)."""
    if connection.vendor != "postgresql":
        return None
    plan = json.loads(queryset.order_by().explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])
