{#
    The record reader for one CSV source: a select over `relation` (one row per landed
    file as bytes: `filename`, `content`) returning one row per data record (the header,
    line 1, excluded): source_file, source_line, raw_record, field_count, column_count
    (fields in the file's header), line_count (the non-blank lines of the record),
    reader_reason and reader_detail (why the reader could not read it, else null) and, for
    each name in `columns`, that field's unquoted text, found by name in the file's header.
    Composes decode_raw_files, read_csv_header, split_lines, stitch_csv_records,
    split_csv_fields and csv_field.

    A file that cannot be read as a whole (not UTF-8, a required column missing, a wrong
    delimiter: see read_csv_header) gives one row instead of its records: source_line 1,
    no raw_record, its reason and detail, and line_count = all its non-blank lines. A
    record with a stray quote, or with a quote left open (stitch_csv_records), has
    reader_reason `unbalanced_quote`, the detail saying which. first_quarantine_reason
    quarantines both before any other check.

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

    decoded_files as (
        {{ omniscore.decode_raw_files(relation) | indent(8) }}
    ),

    files_with_headers as (
        {{ omniscore.read_csv_header('decoded_files', columns, delimiter, carry=['filename', 'content']) | indent(8) }}
    ),

    readable_files as (
        select *
        from files_with_headers
        where set_aside_reason is null
    ),

    raw_lines as (
        {{ omniscore.split_lines('readable_files', carry) | indent(8) }}
    ),

    raw_records as (
        {{ omniscore.stitch_csv_records('raw_lines', carry, delimiter) | indent(8) }}
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
        line_count,
        case when is_unbalanced_quote then 'unbalanced_quote' end as reader_reason,
        case
            when is_quote_left_open
                then 'a quote opened on this line is not closed within '
                || '{{ var("omniscore__max_quoted_field_lines") }} lines (omniscore__max_quoted_field_lines)'
                || ' before a line that starts another record'
            when is_unbalanced_quote
                then 'a stray quote: inside a field that is not quoted, or inside a quoted field'
                || ' but neither doubled nor closing it (only a whole field is quoted, its quotes doubled)'
        end as reader_detail,
        {%- for column in columns %}
        {{ omniscore.csv_field('record_fields', column ~ '__position') }} as {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from data_records
    union all
    select
        source_file,
        1 as source_line,
        cast(null as {{ dbt.type_string() }}) as raw_record,
        cast(null as {{ dbt.type_int() }}) as field_count,
        column_count,
        set_aside_lines as line_count,
        set_aside_reason as reader_reason,
        set_aside_detail as reader_detail,
        {%- for column in columns %}
        cast(null as {{ dbt.type_string() }}) as {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from files_with_headers
    where set_aside_reason is not null
{%- endmacro %}
