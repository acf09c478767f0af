{#
    The record reader for one CSV source: a select over `relation` (one row per landed
    file: `filename`, `content`) returning one row per data record (the header, line 1,
    excluded): source_file, source_line, raw_record, field_count, column_count (fields in
    the file's header) and, for each name in `columns`, that field's unquoted text, found
    by name in the file's header (see read_csv_header: a missing column stops the build).
    Composes split_lines, stitch_csv_records, read_csv_header, split_csv_fields and
    csv_field.

    The header is read first, one row per file (which also passes the file's content on, so
    the files are read once), and its column count and positions are carried on every line
    by split_lines: joining millions of records back to their file's header was the
    slowest step of the reader (and held every record's field list in memory at once).
#}
{% macro read_csv_records(relation, columns, delimiter=',') -%}
    {%- set carry = ['column_count'] -%}
    {%- for column in columns -%}
        {%- do carry.append(column ~ '__position') -%}
    {%- endfor -%}
    with

    files_with_headers as (
        {{ omniscore.read_csv_header(relation, columns, delimiter, carry=['filename', 'content']) | indent(8) }}
    ),

    raw_lines as (
        {{ omniscore.split_lines('files_with_headers', carry) | indent(8) }}
    ),

    raw_records as (
        {{ omniscore.stitch_csv_records('raw_lines', carry) | indent(8) }}
    ),

    data_records as (
        select
            *,
            {{ omniscore.split_csv_fields('raw_record', delimiter) | indent(12) }} as record_fields
        from raw_records
        where source_line > 1
    )

    select
        source_file,
        source_line,
        raw_record,
        {{ omniscore.list_length('record_fields') }} as field_count,
        column_count,
        {%- for column in columns %}
        {{ omniscore.csv_field('record_fields', column ~ '__position') }} as {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from data_records
{%- endmacro %}
