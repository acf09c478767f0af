{#
    The record reader for one JSON-lines source: a select over `relation` (one row per
    landed file as bytes: `filename`, `content`) returning one row per non-empty line:
    source_file, source_line, raw_record, is_json_object, line_count (1), reader_reason
    and reader_detail (null) and, for each entry of `fields` (output name -> JSONPath),
    the value's text (null for a missing key, and for every field of a line that is not a
    JSON object). A file that is not UTF-8 (decode_raw_files) gives one row instead of its
    lines: source_line 1, no raw_record, reader_reason `not_utf8` and line_count = its
    non-blank lines.
#}
{% macro read_jsonl_records(relation, fields) -%}
    {%- set paths = fields.values() | list -%}
    with

    decoded_files as (
        {{ omniscore.decode_raw_files(relation) | indent(8) }}
    ),

    readable_files as (
        select
            filename,
            content
        from decoded_files
        where set_aside_reason is null
    ),

    raw_lines as (
        {{ omniscore.split_lines('readable_files') | indent(8) }}
    ),

    json_records as (
        select
            source_file,
            line_no as source_line,
            line as raw_record,
            {{ omniscore.is_json_object('line') }} as is_json_object
        from raw_lines
        where line != ''
    ),

    extracted as (
        select
            source_file,
            source_line,
            raw_record,
            is_json_object,
            case when is_json_object then {{ omniscore.json_fields('raw_record', paths) }} end as json_values
        from json_records
    )

    select
        source_file,
        source_line,
        raw_record,
        is_json_object,
        1 as line_count,
        cast(null as {{ dbt.type_string() }}) as reader_reason,
        cast(null as {{ dbt.type_string() }}) as reader_detail,
        {%- for name in fields %}
        {{ omniscore.list_element('json_values', loop.index) }} as {{ name }}{{ "," if not loop.last }}
        {%- endfor %}
    from extracted
    union all
    select
        {{ omniscore.raw_file_path('filename') }} as source_file,
        1 as source_line,
        cast(null as {{ dbt.type_string() }}) as raw_record,
        false as is_json_object,
        set_aside_lines as line_count,
        set_aside_reason as reader_reason,
        set_aside_detail as reader_detail,
        {%- for name in fields %}
        cast(null as {{ dbt.type_string() }}) as {{ name }}{{ "," if not loop.last }}
        {%- endfor %}
    from decoded_files
    where set_aside_reason is not null
{%- endmacro %}
