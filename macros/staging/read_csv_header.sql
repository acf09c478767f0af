{#
    A select over `relation` (one row per landed file: `filename`, `content`) that returns
    one row per file: source_file, column_count (fields in the header) and, for each name
    in `columns`, `<name>__position`: the 1-based position of that column in this file's
    header (line 1), matched by name (case, quotes and surrounding spaces ignored; the
    pattern has no backslash, which Spark string literals would eat), so
    column order and extra columns do not matter.

    A column missing from a non-blank header stops the query with
    `<source_file>: required column '<name>' is missing`. A file whose first line is blank
    (an empty file) has no header and is not checked; it has no data records either.

    Columns of `relation` named in `carry` (such as `filename` and `content`) are passed
    through, so that a reader can go on from this select without reading the files twice.
#}
{% macro read_csv_header(relation, columns, delimiter=',', carry=[]) -%}
    {%- set first_newline = dbt.position('chr(10)', 'content') -%}
    {%- set header_line -%}
        {{ omniscore.clean_line(
            "case when " ~ first_newline ~ " > 0 then substr(content, 1, " ~ first_newline ~ " - 1) else content end"
        ) }}
    {%- endset -%}
    {%- set header_names -%}
        {{ omniscore.regexp_replace_all(
            "lower(trim(" ~ dbt.replace(header_line, "'\"'", "''") ~ "))",
            " *[" ~ delimiter ~ "] *",
            delimiter
        ) }}
    {%- endset -%}
    select
        source_file,
        {%- for column in carry %}
        {{ column }},
        {%- endfor %}
        {{ omniscore.list_length('header_fields') }} as column_count,
        {%- for column in columns %}
        case
            when {{ omniscore.list_index_of('header_fields', "'" ~ column ~ "'") }} is not null
                then {{ omniscore.list_index_of('header_fields', "'" ~ column ~ "'") }}
            when not is_headerless
                then cast({{ omniscore.raise_error(
                    dbt.concat(['source_file', "': required column ''" ~ column ~ "'' is missing'"])
                ) }} as integer)
        end as {{ column }}__position{{ "," if not loop.last }}
        {%- endfor %}
    from (
        select
            {{ omniscore.raw_file_path('filename') }} as source_file,
            {%- for column in carry %}
            {{ column }},
            {%- endfor %}
            {{ omniscore.split_csv_fields(header_names, delimiter) }} as header_fields,
            trim({{ header_line }}) = '' as is_headerless
        from {{ relation }}
    ) as headers
{%- endmacro %}
