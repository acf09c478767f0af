{#
    The record reader for one JSON-lines source: a select over `relation` (one row per
    landed file: `filename`, `content`) returning one row per non-empty line:
    source_file, source_line, raw_record, is_json_object and, for each entry of `fields`
    (output name -> JSONPath), the value's text (null for a missing key, and for every
    field of a line that is not a JSON object).
#}
{% macro read_jsonl_records(relation, fields) -%}
    {%- set paths = fields.values() | list -%}
    with

    raw_lines as (
        {{ omniscore.split_lines(relation) | indent(8) }}
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
        {%- for name in fields %}
        {{ omniscore.list_element('json_values', loop.index) }} as {{ name }}{{ "," if not loop.last }}
        {%- endfor %}
    from extracted
{%- endmacro %}
