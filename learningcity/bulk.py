"""Writing thousands of rows at once (spreadsheet imports of a whole city or country)."""

from django.db import connection


def update_many(objs, *, fields: list[str]) -> None:
    """UPDATE ``fields`` of every object in ``objs`` (one model) with one prepared statement.

    Django's bulk_update builds a CASE expression per field and row, which takes seconds to
    compile for a thousand rows; executemany sends the same statement with each row's values.
    Values are prepared as save() prepares them; call the fields' pre_save first if needed.
    """
    if not objs:
        return
    meta = objs[0]._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(meta.db_table),
        ", ".join(f"{quote(column.column)} = %s" for column in columns),
        quote(meta.pk.column),
    )
    params = [
        [column.get_db_prep_save(getattr(obj, column.attname), connection) for column in columns]
        + [obj.pk]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
