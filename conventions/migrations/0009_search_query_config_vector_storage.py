# PostgreSQL only, for the search (docs/performance.md).
#
# french_unaccent_query: the configuration searches are parsed with. The same as the documents'
# french_unaccent, without the parts of hyphenated words: "Saint-Nazaire" is searched as the one
# word 'saint-nazair' that every document holding it has, instead of the phrase
# 'saint-nazair' <-> 'saint' <-> 'nazair', which matches the same documents but can only be
# checked by reading each candidate's vector.
#
# The search vector kept in the row (STORAGE MAIN) rather than in the TOAST table: checking a
# phrase, ranking, or scanning the table for a common word read it for every row, at the cost of
# an index lookup in the TOAST table each time. The rows are written again so that the vectors
# already stored move too.
from django.db import migrations

FORWARD_SQL = [
    """
    DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent_query') THEN
            CREATE TEXT SEARCH CONFIGURATION french_unaccent_query (COPY = french_unaccent);
            ALTER TEXT SEARCH CONFIGURATION french_unaccent_query
                DROP MAPPING FOR hword_part, hword_asciipart, hword_numpart;
        END IF;
    END $$
    """,
    "ALTER TABLE conventions_convention ALTER COLUMN search_vector SET STORAGE MAIN",
    "UPDATE conventions_convention SET search_document = search_document",
]
BACKWARD_SQL = [
    "ALTER TABLE conventions_convention ALTER COLUMN search_vector SET STORAGE EXTENDED",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent_query",
]


def run_on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("conventions", "0008_convention_kind_order_idx"),
    ]

    operations = [
        migrations.RunPython(run_on_postgresql(FORWARD_SQL), run_on_postgresql(BACKWARD_SQL)),
    ]
