{#
    The record reader for one CSV source: a select over `relation` (one row per landed
    file: `filename`, `content`) returning one row per data record (the header, line 1,
    excluded): source_file, source_line, raw_record, field_count, column_count (fields in
    the file's header) and, for each name in `columns`, that field's unquoted text, found
    by name in the file's header (see read_csv_header: a missing column stops the build).
    Composes split_lines, stitch_csv_records, read_csv_header, split_csv_fields and
    csv_field.
#}
{% macro read_csv_records(relation, columns, delimiter=',') -%}
    with

    raw_lines as (
        {{ omniscore.split_lines(relation) | indent(8) }}
    ),

    raw_records as (
        {{ omniscore.stitch_csv_records('raw_lines') | indent(8) }}
    ),

    file_headers as (
        {{ omniscore.read_csv_header(relation, columns, delimiter) | indent(8) }}
    ),

    data_records as (
        select
            source_file,
            source_line,
            raw_record,
            {{ omniscore.split_csv_fields('raw_record', delimiter) | indent(12) }} as record_fields
        from raw_records
        where source_line > 1
    )

    select
        data_records.source_file,
        data_records.source_line,
        data_records.raw_record,
        {{ omniscore.list_length('data_records.record_fields') }} as field_count,
        file_headers.column_count,
        {%- for column in columns %}
        {{ omniscore.csv_field('data_records.record_fields', 'file_headers.' ~ column ~ '__position') }} as {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from data_records
    inner join file_headers
        on data_records.source_file = file_headers.source_file
{%- endmacro %}
