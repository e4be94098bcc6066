"""Full-text search through the database's own index: SQLite FTS5, PostgreSQL tsvector + GIN.

One interface for every app that searches text: declare a `TextIndex` over a table's columns,
create it in a migration (`TextIndex.create` in a RunPython), and filter a queryset with
`TextIndex.matching`. Both databases read a query the same way: every word must appear, each as
a word or the start of one ("vacc" finds "vaccine"); punctuation only separates words, so no
input is a syntax error.

On SQLite the index is an external-content FTS5 table kept in sync by triggers. Django rebuilds a
SQLite table to alter a column, which drops its triggers: `ensure_text_indexes` (run after every
migrate) puts back whatever is missing and rebuilds that index.
Table and column names come from the code that declares an index; what a person typed reaches
the database only as a bound parameter.

Text in scripts written without spaces (Chinese, Japanese, Korean) has no words for either index
to find. A `segmented` index reads a column that holds `segment(text)`: each such run of
characters written as its overlapping pairs (and its last character alone), the pairs any query
in those scripts is cut into too, so that a word of two characters or more is found wherever it
stands. `segment` also drops accents, Arabic vowel marks and the tatweel (which both indexes
would otherwise take for word breaks, or not fold alike), on both sides. `highlight` marks the
words of a query in the original text for a snippet.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import ExpressionWrapper, F
from django.db.models.expressions import Expression, RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

M = TypeVar("M", bound=models.Model)

# Words as both indexes see them: runs of letters and digits in any script.
_WORD = re.compile(r"\w+", re.UNICODE)
# Enough words for any real question; more only make the query longer.
MAX_WORDS = 12
# Up to this many matches a list reads them by id and sorts them; past it it walks the index
# of its order, where one row in FEW / rows matches: a page costs a few thousand index entries,
# against as many row reads as there are matches.
FEW = 2000


def words(query: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(query)][:MAX_WORDS]


# Han (with its compatibility and extension A blocks), kana, Hangul: scripts without spaces.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+")
# Arabic vowel and Quranic marks, and the tatweel (a stretching stroke, not a letter).
_ARABIC_MARKS = re.compile(r"[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")


def _pairs(run: str, last: bool) -> str:
    if len(run) == 1:
        return run
    pairs = [run[i : i + 2] for i in range(len(run) - 1)]
    return " ".join([*pairs, run[-1]] if last else pairs)


def _bare(text: str) -> str:
    """Without accents, vowel marks or tatweel, so that both databases read "hopital" and
    "hôpital", "تعزل" and "تُعزل", alike."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", _ARABIC_MARKS.sub("", kept))


def segment(text: str) -> str:
    """The text as a segmented index stores it (see the module's notes)."""
    return _UNSPACED.sub(lambda m: f" {_pairs(m.group(), last=True)} ", _bare(text))


def segmented_words(query: str) -> list[str]:
    """The query's words as a segmented index holds them: pairs for unspaced runs."""
    return words(_UNSPACED.sub(lambda m: f" {_pairs(m.group(), last=False)} ", _bare(query)))


def _fold(text: str) -> tuple[str, list[int]]:
    """`text` lower-cased, without accents or Arabic marks, and where each of its characters
    came from in `text`, so that a match found in the one can be marked in the other."""
    folded: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(text):
        if _ARABIC_MARKS.fullmatch(char):
            continue
        base = unicodedata.normalize("NFKD", char)[:1] or char
        if unicodedata.combining(base):
            continue
        folded.append(base.lower()[:1])
        origin.append(i)
    return "".join(folded), origin


def highlight(text: str, query: str, width: int = 240) -> SafeString:
    """A passage of `text` around the first word of `query` it holds, escaped, with each word
    of the query marked; the start of the text when none is found."""
    terms = [t for t in (_fold(w)[0] for w in words(_bare(query))) if t]
    folded, origin = _fold(text)
    pattern = (
        re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)))
        if terms
        else None
    )
    spans: list[tuple[int, int]] = []
    if pattern is not None:
        for m in pattern.finditer(folded):
            spans.append((origin[m.start()], origin[m.end() - 1] + 1))
    start = max(0, spans[0][0] - width // 3) if spans else 0
    end = min(len(text), start + width)
    if start > 0:
        space = text.find(" ", start, spans[0][0] if spans else end)
        start = space + 1 if space != -1 else start
    if end < len(text):
        space = text.rfind(" ", max(start, spans[0][1] if spans else start), end)
        end = space if space != -1 else end
    parts: list[str] = ["… " if start > 0 else ""]
    cursor = start
    for a, b in spans:
        if a < cursor or b > end:
            continue
        parts += [escape(text[cursor:a]), "<mark>", escape(text[a:b]), "</mark>"]
        cursor = b
    parts += [escape(text[cursor:end]), " …" if end < len(text) else ""]
    return mark_safe("".join(parts).replace("\n", " "))  # noqa: S308


@dataclass(frozen=True)
class TextIndex:
    table: str
    columns: tuple[str, ...]
    # PostgreSQL's language-neutral configuration: records are in many languages.
    config: str = "simple"
    # The columns hold `segment(text)`; queries are cut the same way.
    segmented: bool = False
    # PostgreSQL: keep each row's vector in a column (a trigger writes it) instead of indexing
    # an expression, so that a query that walks another index tests a row without computing
    # its vector (about 20 us a row: a page of a frequent word walks thousands).
    stored: bool = False

    #: The stored vector's column (PostgreSQL, `stored`).
    VECTOR = "search_vector"

    @property
    def fts_table(self) -> str:
        return f"{self.table}_fts"

    def _triggers(self) -> dict[str, str]:
        fts, cols = self.fts_table, ", ".join(self.columns)
        new = ", ".join(f"new.{c}" for c in self.columns)
        old = ", ".join(f"old.{c}" for c in self.columns)
        add = f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new});"  # noqa: S608
        remove = f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old});"  # noqa: S608
        return {
            f"{fts}_ai": f"AFTER INSERT ON {self.table} BEGIN {add} END",
            f"{fts}_ad": f"AFTER DELETE ON {self.table} BEGIN {remove} END",
            f"{fts}_au": f"AFTER UPDATE OF {cols} ON {self.table} BEGIN {remove} {add} END",
        }

    def _vector(self, columns: Sequence[str] | None = None) -> str:
        # The same expression in the index and in each query, or the index goes unused.
        text = " || ' ' || ".join(f"coalesce({c}, '')" for c in (columns or self.columns))
        return f"to_tsvector('{self.config}'::regconfig, {text})"

    def create(self, connection: BaseDatabaseWrapper) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(
                    f"CREATE VIRTUAL TABLE IF NOT EXISTS {self.fts_table} USING fts5("
                    f"{', '.join(self.columns)}, content='{self.table}', content_rowid='id', "
                    "tokenize='unicode61 remove_diacritics 2')"
                )
                for name, body in self._triggers().items():
                    cursor.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")
                cursor.execute(f"INSERT INTO {self.fts_table}({self.fts_table}) VALUES ('rebuild')")  # noqa: S608
            elif connection.vendor == "postgresql" and self.stored:
                table, column = self.table, self.VECTOR
                cursor.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} tsvector")
                # A trigger, not a generated column: Django may alter the columns' types later.
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_vector ON {table}")
                cursor.execute(
                    f"CREATE TRIGGER {table}_vector BEFORE INSERT OR UPDATE OF "
                    f"{', '.join(self.columns)} ON {table} FOR EACH ROW EXECUTE FUNCTION "
                    f"tsvector_update_trigger({column}, 'pg_catalog.{self.config}', "
                    f"{', '.join(self.columns)})"
                )
                cursor.execute(f"UPDATE {table} SET {self.columns[0]} = {self.columns[0]}")  # noqa: S608
                cursor.execute(
                    f"CREATE INDEX IF NOT EXISTS {table}_vector ON {table} USING GIN ({column})"
                )
            elif connection.vendor == "postgresql":
                cursor.execute(
                    f"CREATE INDEX IF NOT EXISTS {self.table}_text ON {self.table} "
                    f"USING GIN (({self._vector()}))"
                )

    def drop(self, connection: BaseDatabaseWrapper) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                for name in self._triggers():
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                cursor.execute(f"DROP TABLE IF EXISTS {self.fts_table}")
            elif connection.vendor == "postgresql" and self.stored:
                cursor.execute(f"DROP TRIGGER IF EXISTS {self.table}_vector ON {self.table}")
                cursor.execute(f"DROP INDEX IF EXISTS {self.table}_vector")
                cursor.execute(f"ALTER TABLE {self.table} DROP COLUMN IF EXISTS {self.VECTOR}")
            elif connection.vendor == "postgresql":
                cursor.execute(f"DROP INDEX IF EXISTS {self.table}_text")

    def ensure(self, connection: BaseDatabaseWrapper) -> bool:
        """Recreate what a table rebuild dropped (SQLite); True when something was missing."""
        if connection.vendor != "sqlite":
            return False
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE name IN (%s, %s, %s, %s)",
                [self.fts_table, *self._triggers()],
            )
            present = {row[0] for row in cursor.fetchall()}
        if self.fts_table not in present:
            return False  # not migrated yet: the migration creates it
        if present >= set(self._triggers()):
            return False
        self.create(connection)
        return True

    def matching(
        self, queryset: models.QuerySet[M], query: str, *, ordered: bool = True
    ) -> models.QuerySet[M]:
        """The rows whose columns hold every word of `query` (all rows when it has none).
        `ordered`: the rows are read in an indexed order (a page); False for any order (a
        count), which reads the matches by id whatever their number."""
        found = segmented_words(query) if self.segmented else words(query)
        if not found:
            return queryset
        vendor = connections[queryset.db].vendor
        if vendor == "postgresql":
            terms = " & ".join(f"'{w}':*" for w in found)
            matches_words = _Matches(self, terms)
            if not ordered:
                return queryset.filter(matches_words)
            # The planner cannot tell how many rows a prefix matches: left to itself it walks
            # the order's index testing each row, tens of thousands for a rare word in 10^6.
            # The GIN index finds the matches; when they are few the page is read by id.
            rows = queryset.model._base_manager.using(queryset.db).filter(matches_words).order_by()
            found_ids = list(rows.values_list("pk", flat=True)[: FEW + 1])
            if len(found_ids) <= FEW:
                return queryset.filter(pk__in=found_ids)
            return queryset.filter(matches_words)
        if vendor == "sqlite":
            phrase = " ".join(f'"{w}"*' for w in found)
            matches = f"SELECT rowid FROM {self.fts_table} WHERE {self.fts_table} MATCH %s"  # noqa: S608
            if not ordered:
                return queryset.filter(pk__in=RawSQL(matches, [phrase]))  # noqa: S611
            with connections[queryset.db].cursor() as cursor:
                bounded = f"SELECT count(*) FROM ({matches} LIMIT %s)"  # noqa: S608
                cursor.execute(bounded, [phrase, FEW + 1])
                many = cursor.fetchone()[0] > FEW
            ids = RawSQL(matches, [phrase])  # noqa: S611
            if many:
                # Many matches: the index of the list's order leads, and each row it meets is
                # kept if among the matches. Asked by `id + 0`, which the planner cannot look
                # up by id, or it would read every match's row to sort them all for one page.
                led = ExpressionWrapper(F("pk") + 0, output_field=models.BigIntegerField())
                led_rows: models.QuerySet[M] = queryset.alias(_matched_id=led)
                return led_rows.filter(_matched_id__in=ids)
            return queryset.filter(pk__in=ids)
        # Any other database: a plain scan, slower but the same answer.
        condition = models.Q()
        for w in found:
            condition &= models.Q(
                *[models.Q(**{f"{c}__icontains": w}) for c in self.columns], _connector=models.Q.OR
            )
        return queryset.filter(condition)


class _Matches(Expression):
    """`vector @@ query` on PostgreSQL, with the columns named as the query names them (a
    subquery gives the table another alias)."""

    output_field = models.BooleanField()
    conditional = True

    def __init__(self, index: TextIndex, terms: str, columns: Sequence[Any] | None = None) -> None:
        super().__init__()
        self.index = index
        self.terms = terms
        self.columns = list(columns) if columns is not None else [F(c) for c in index.columns]

    def get_source_expressions(self) -> list[Any]:
        return self.columns

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        self.columns = list(exprs)

    def as_sql(
        self, compiler: Any, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, list[Any]]:
        names = []
        for column in self.columns:
            sql, params = compiler.compile(column)
            assert not params
            names.append(sql)
        if self.index.stored:
            # The stored vector of the same row, under the alias the query gives the table.
            alias = names[0].rpartition(".")[0]
            vector = f'{alias}."{self.index.VECTOR}"' if alias else f'"{self.index.VECTOR}"'
        else:
            vector = self.index._vector(names)
        return f"{vector} @@ to_tsquery('{self.index.config}'::regconfig, %s)", [self.terms]
