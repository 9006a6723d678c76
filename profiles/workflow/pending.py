"""Rows of an import's commit group written together at its end.

`import_profiles --publish` commits its files a group at a time
(`importing.COMMIT_FILES`). A new profile's document writes about fifteen
kinds of rows; Django spends about a millisecond on each insert statement
whatever its number of rows, so each kind written once per document cost
more than the rows themselves. Inside `grouped()`, the rows no later step
reads back (history rows, search rows, events, leaders, provenance, …) are
kept here, per file, and written one statement per kind when the group
ends (`write`). Rows whose keys later rows need (profiles, requests, their
changes, notes, works) are still inserted at once.

A file refused half-way drops what it kept (`drop_file`), as its savepoint
drops what it inserted. Rows the files look up again and again (the
importer's account, tags) are read once per group (`remembered`).
Anything that reads a profile's rows back (an
update of a profile an earlier file of the group created) checks first that
none is kept (`check_none_pending`).
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import connection, models

Writer = Callable[[list], Any]


class PendingRows:
    """The rows kept for one commit group: per kind (a writer taking a list
    of rows), in the order kinds were first kept, so a kind kept after
    another (a row's history after the row) is written after it."""

    def __init__(self) -> None:
        self._kept: dict[Writer, list] = {}
        self._file: dict[Writer, list] = {}
        self._known: dict[Any, Any] = {}
        self._file_known: dict[Any, Any] = {}

    def remembered(self, key, look_up: Callable[[], Any]) -> Any:
        """What `look_up()` returned for `key` earlier in the group (by a
        kept file or the current one), or its answer now."""
        for known in (self._file_known, self._known):
            if key in known:
                return known[key]
        found = self._file_known[key] = look_up()
        return found

    def keep(self, write: Writer, rows: list) -> None:
        """Keeps `rows`, to be written by `write` with the other rows of
        their kind, once the current file is kept (`keep_file`)."""
        if rows:
            self._file.setdefault(write, []).extend(rows)

    def keep_file(self) -> None:
        """The current file was imported: its rows join the group's."""
        for write, rows in self._file.items():
            self._kept.setdefault(write, []).extend(rows)
        self._known.update(self._file_known)
        self._file, self._file_known = {}, {}

    def drop_file(self) -> None:
        """The current file was refused: its rows, and what it looked up
        (rows it may have created), are forgotten."""
        self._file, self._file_known = {}, {}

    def holds_rows(self) -> bool:
        return bool(self._kept or self._file)

    def write(self) -> None:
        """Writes the rows of the files kept so far, one call per kind, and
        forgets them. Side effects: the inserts of each kind's writer."""
        kept, self._kept = self._kept, {}
        for write, rows in kept.items():
            write(rows)


_inserters: dict[type, Writer] = {}

#: Fields whose value of the types given is written as it is: their
#: `pre_save` reads the attribute and their database form of such a value is
#: the value itself.
_TEXT = (str, type(None))
_WHOLE = (int, type(None))
_PLAIN_FIELDS = {
    models.CharField: _TEXT,
    models.TextField: _TEXT,
    models.SlugField: _TEXT,
    models.IntegerField: _WHOLE,
    models.PositiveIntegerField: _WHOLE,
    models.PositiveSmallIntegerField: _WHOLE,
    models.SmallIntegerField: _WHOLE,
    models.BigIntegerField: _WHOLE,
    models.BooleanField: (bool, type(None)),
}


def _column_value(field) -> Callable[[Any], Any]:
    """How `bulk_create` finds `field`'s database value in a row, without
    its per-row preparation where it changes nothing: a plain field's value
    of a plain type is taken as it is; a foreign key's comes from the object
    it points to when that object is set (`_prepare_related_fields_for_save`:
    the object may have got its id after being assigned), refused when that
    object has no id; any other field or value goes through `pre_save` and
    `get_db_prep_save`."""
    attname = field.attname

    def prepared(row):
        return field.get_db_prep_save(field.pre_save(row, True), connection=connection)

    if type(field) in _PLAIN_FIELDS:
        plain_types = _PLAIN_FIELDS[type(field)]

        def plain(row):
            value = getattr(row, attname)
            return value if type(value) in plain_types else prepared(row)

        return plain
    if type(field) in (models.ForeignKey, models.OneToOneField):

        def key(row):
            target = field.get_cached_value(row) if field.is_cached(row) else None
            if target is not None:
                if not target._is_pk_set():
                    raise ValueError(
                        "bulk_create() prohibited to prevent data loss due to "
                        f"unsaved related object '{field.name}'."
                    )
                if getattr(row, attname) in field.empty_values:
                    setattr(row, attname, getattr(target, field.target_field.attname))
            value = getattr(row, attname)
            return value if type(value) in _WHOLE else prepared(row)

        return key
    return prepared


def _columns(model) -> tuple[list, list[Callable[[Any], Any]]]:
    """The columns `bulk_create` writes for new rows of `model` (all but an
    id the database gives) and how each finds its value in a row."""
    fields = [
        field
        for field in model._meta.concrete_fields
        if not (field.primary_key and field.db_returning)
    ]
    return fields, [_column_value(field) for field in fields]


def inserter(model) -> Writer:
    """The one function (the group's rows are grouped by it) that inserts
    rows of `model` no other row points to, in one statement run once per
    row: with the values `bulk_create` would write (`_column_value`),
    without asking the rows' new ids back."""
    if model not in _inserters:
        fields, values_of = _columns(model)
        quote = connection.ops.quote_name
        sql = "INSERT INTO {} ({}) VALUES ({})".format(
            quote(model._meta.db_table),
            ", ".join(quote(field.column) for field in fields),
            ", ".join(["%s"] * len(fields)),
        )

        def insert(rows: list) -> None:
            values = [tuple(value(row) for value in values_of) for row in rows]
            with connection.cursor() as cursor:
                cursor.executemany(sql, values)

        _inserters[model] = insert
    return _inserters[model]


def insert_returning(model, rows: list) -> None:
    """`model.objects.bulk_create(rows)` on the databases we support (which
    return the new ids of a many-row insert, in the rows' order): the same
    rows, values (`_column_value`) and ids set on the rows, without
    Django's preparation of each value of each row.
    Side effects: the inserts, a few hundred rows each; each row gets its
    id and is marked saved."""
    if not rows:
        return
    fields, values_of = _columns(model)
    quote = connection.ops.quote_name
    pk = model._meta.pk
    head = "INSERT INTO {} ({}) ".format(
        quote(model._meta.db_table),
        ", ".join(quote(field.column) for field in fields),
    )
    size = connection.ops.bulk_batch_size(fields, rows)
    marks = "({})".format(", ".join(["%s"] * len(fields)))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            values = [value(row) for row in batch for value in values_of]
            cursor.execute(
                f"{head}VALUES {', '.join([marks] * len(batch))} "
                f"RETURNING {quote(pk.column)}",
                values,
            )
            for row, (new_id,) in zip(batch, cursor.fetchall(), strict=True):
                setattr(row, pk.attname, new_id)
                row._state.adding = False
                row._state.db = connection.alias


_tuple_inserters: dict[tuple, Writer] = {}


def tuple_inserter(model, fields: tuple[str, ...]) -> Writer:
    """The one function that inserts rows of `model` given as tuples, a
    value per field of `fields` (the others take their database default),
    in one statement run once per row, without a model object per row. A
    foreign key's value is the row it points to, which may get its id only
    when its own kind is written (a proposed change kept for the group), or
    that id; a plain value (`_PLAIN_FIELDS`) is written as it is, any other
    in its field's database form."""
    key = (model, fields)
    if key not in _tuple_inserters:
        quote = connection.ops.quote_name
        found = [model._meta.get_field(name) for name in fields]
        sql = "INSERT INTO {} ({}) VALUES ({})".format(
            quote(model._meta.db_table),
            ", ".join(quote(field.column) for field in found),
            ", ".join(["%s"] * len(found)),
        )

        plain = [
            _PLAIN_FIELDS.get(type(field), _WHOLE if field.is_relation else ())
            for field in found
        ]
        columns = list(zip(found, plain, strict=True))

        def insert(rows: list[tuple]) -> None:
            values = [
                tuple(
                    value
                    if type(value) in plain_types
                    else _database_value(field, value)
                    for (field, plain_types), value in zip(columns, row, strict=True)
                )
                for row in rows
            ]
            with connection.cursor() as cursor:
                cursor.executemany(sql, values)

        _tuple_inserters[key] = insert
    return _tuple_inserters[key]


def _database_value(field, value):
    """`value`, not a plain one, as `field`'s column holds it: a row's id
    (refused when it has none yet), or prepared by the field."""
    if isinstance(value, models.Model):
        if not value._is_pk_set():
            raise ValueError(f"A {type(value).__name__} row has no id yet.")
        return value.pk
    return field.get_db_prep_save(value, connection=connection)


_current: ContextVar[PendingRows | None] = ContextVar("pending_rows", default=None)


@contextmanager
def grouped() -> Iterator[PendingRows]:
    """Rows written through `keep` inside this block are kept in the
    returned group until its `write`; the caller writes it before its
    transaction commits."""
    group = PendingRows()
    token = _current.set(group)
    try:
        yield group
    finally:
        _current.reset(token)


@contextmanager
def held() -> Iterator[None]:
    """Inside this block, rows kept wait for its end to be written (with the
    current commit group's, when there is one, else as the block ends), so
    they may point to rows inserted later in the block."""
    if _current.get() is not None:
        yield
        return
    with grouped() as group:
        yield
        group.keep_file()
        group.write()


def keep_file() -> None:
    """The current group's `keep_file`, if any."""
    group = _current.get()
    if group is not None:
        group.keep_file()


def drop_file() -> None:
    """The current group's `drop_file`, if any."""
    group = _current.get()
    if group is not None:
        group.drop_file()


def write_group() -> None:
    """The current group's `write`, if any."""
    group = _current.get()
    if group is not None:
        group.write()


def remembered(key, look_up: Callable[[], Any]) -> Any:
    """`look_up()`, asked once per commit group for `key` (rows the group's
    files read again and again: the importer's account, tags); asked each
    time outside a group. A refused file's answers are forgotten with its
    rows, since its savepoint may take back a row it created."""
    group = _current.get()
    if group is None:
        return look_up()
    return group.remembered(key, look_up)


def keep(write: Writer, rows: list) -> None:
    """`write(rows)` now, or inside `grouped()` when the group is written."""
    group = _current.get()
    if group is None:
        if rows:
            write(rows)
    else:
        group.keep(write, rows)


class RowsPending(Exception):
    """Raised by `check_none_pending` inside a commit group holding rows."""


def check_none_pending() -> None:
    """Raises `RowsPending` when rows are kept unwritten: before a step that
    reads back rows that may be among them (a profile's leaders, versions,
    search rows). The importer then drops the file, writes the group and
    imports the file again in `paused()`."""
    group = _current.get()
    if group is not None and group.holds_rows():
        raise RowsPending("rows of this commit group are not written yet")


@contextmanager
def paused() -> Iterator[None]:
    """Inside this block, `keep` writes at once."""
    token = _current.set(None)
    try:
        yield
    finally:
        _current.reset(token)
