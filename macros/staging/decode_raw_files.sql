{#
    A select over `relation` (one row per landed file as bytes: `filename`, `content`, from
    read_blob) that returns one row per file: filename, content (the file's text, null when
    it is not UTF-8) and, for a file that cannot be read, set_aside_reason (`not_utf8`),
    set_aside_detail (the first line that is not UTF-8) and set_aside_lines (its non-blank
    lines, counted from the bytes). Every base model reads its files through this macro, so
    one file in the wrong encoding is set aside alone instead of failing the whole glob
    (read_text fails the query on the first such file).
#}
{% macro decode_raw_files(relation) -%}
    {{ return(adapter.dispatch('decode_raw_files', 'omniscore')(relation)) }}
{%- endmacro %}

{#
    Portable: a string cast. Spark replaces invalid bytes instead of failing, so a file in
    another encoding is read with replacement characters and nothing is set aside.
#}
{% macro default__decode_raw_files(relation) -%}
    select
        filename,
        cast(content as {{ dbt.type_string() }}) as content,
        cast(null as {{ dbt.type_string() }}) as set_aside_reason,
        cast(null as {{ dbt.type_string() }}) as set_aside_detail,
        cast(null as {{ dbt.type_int() }}) as set_aside_lines
    from {{ relation }}
{%- endmacro %}

{#
    DuckDB: try(decode()) is null for bytes that are not UTF-8. Such a file is split on the
    escaped text of its bytes (a blob cast to varchar writes a line feed as `\x0A`); a line
    whose escaped text casts back to bytes that do not decode is the first bad one.
#}
{% macro duckdb__decode_raw_files(relation) -%}
    {%- set escaped_lines = "string_split(cast(raw_content as varchar), chr(92) || 'x0A')" %}
    select
        filename,
        text_content as content,
        case when text_content is null then 'not_utf8' end as set_aside_reason,
        case
            when text_content is null
                then 'not UTF-8 from line '
                || list_position(list_transform({{ escaped_lines }}, lambda line: try(decode(cast(line as blob))) is null), true)
                || ' (another encoding such as Latin-1?): re-export the file as UTF-8'
        end as set_aside_detail,
        case
            when text_content is null
                then len(list_filter({{ escaped_lines }}, lambda line: line not in ('', '\x0D')))
        end as set_aside_lines
    from (
        select
            filename,
            content as raw_content,
            case
                when typeof(content) = 'BLOB' then try(decode(cast(content as blob)))
                else cast(content as varchar)
            end as text_content
        from {{ relation }}
    ) as typed
{%- endmacro %}
