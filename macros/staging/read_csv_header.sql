{#
    A select over `relation` (the output of decode_raw_files: one row per landed file with
    `filename`, `content`, `set_aside_reason`, `set_aside_detail`, `set_aside_lines`) that
    returns one row per file: source_file, column_count (fields in the header) and, for each
    name in `columns`, `<name>__position`: the 1-based position of that column in this
    file's header (line 1), matched by name (case, quotes and surrounding spaces ignored; the
    pattern has no backslash, which Spark string literals would eat), so column order and
    extra columns do not matter.

    A file that cannot be read as a whole is set aside (it has no records; its lines are
    counted in set_aside_lines), with set_aside_reason and set_aside_detail:
    - `not_utf8`: from decode_raw_files;
    - `wrong_delimiter`: a required column is missing, but the header splits into all the
      required columns on another delimiter (`,` `;` tab `|`); the detail names it;
    - `missing_required_column`: the detail names every missing column.
    A file whose first line is blank (an empty file) has no header and is not checked; it
    has no data records either.

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
    {%- set delimiter_names = {',': "comma (,)", ';': "semicolon (;)", '\t': "tab", '|': "pipe (|)"} -%}
    {%- set other_delimiters = delimiter_names.keys() | reject('equalto', delimiter) | list -%}
    {%- set literals = [] -%}
    {%- for column in columns -%}
        {%- do literals.append("'" ~ column ~ "'") -%}
    {%- endfor -%}
    {%- set is_missing = "not is_headerless and not " ~ omniscore.list_contains_all('header_fields', literals) -%}
    {%- set found_delimiter -%}
        case
            {%- for other in other_delimiters %}
            when {{ omniscore.list_contains_all('header_fields_' ~ loop.index, literals) }} then '{{ delimiter_names[other] }}'
            {%- endfor %}
        end
    {%- endset -%}
    {%- set missing_columns -%}
        concat_ws(
            ', '
            {%- for column in columns %},
            case when {{ omniscore.list_index_of('header_fields', "'" ~ column ~ "'") }} is null then '''{{ column }}''' end
            {%- endfor %}
        )
    {%- endset -%}
    {#- One level of nesting, as before: sqlfluff gives up on deeper selects in a base model. -#}
    select
        source_file,
        {%- for column in carry %}
        {{ column }},
        {%- endfor %}
        {{ omniscore.list_length('header_fields') }} as column_count,
        {%- for column in columns %}
        case
            when not is_headerless
                then {{ omniscore.list_index_of('header_fields', "'" ~ column ~ "'") }}
        end as {{ column }}__position,
        {%- endfor %}
        case
            when set_aside_reason is not null then set_aside_reason
            when {{ is_missing }} and {{ found_delimiter }} is not null then 'wrong_delimiter'
            when {{ is_missing }} then 'missing_required_column'
        end as set_aside_reason,
        case
            when set_aside_reason is not null then set_aside_detail
            when {{ is_missing }} and {{ found_delimiter }} is not null
                then 'the header is split by ' || {{ found_delimiter }} || ', not by {{ delimiter_names[delimiter] }}'
                || ' (required column ' || {{ dbt.split_part(missing_columns, "', '", 1) }} || ' not found)'
            when {{ is_missing }} then 'required column ' || {{ missing_columns }} || ' is missing'
        end as set_aside_detail,
        case
            when set_aside_reason is not null then set_aside_lines
            when {{ is_missing }} then {{ omniscore.count_nonblank_lines('content') }}
        end as set_aside_lines
    from (
        select
            {{ omniscore.raw_file_path('filename') }} as source_file,
            {%- for column in carry if column != 'content' %}
            {{ column }},
            {%- endfor %}
            content,
            set_aside_reason,
            set_aside_detail,
            set_aside_lines,
            {{ omniscore.split_csv_fields(
                omniscore.regexp_replace_all(
                    "lower(trim(" ~ dbt.replace(header_line, "'\"'", "''") ~ "))", " *[" ~ delimiter ~ "] *", delimiter
                ), delimiter
            ) }} as header_fields,
            {%- for other in other_delimiters %}
            {{ omniscore.split_csv_fields(
                omniscore.regexp_replace_all(
                    "lower(trim(" ~ dbt.replace(header_line, "'\"'", "''") ~ "))", " *[" ~ other ~ "] *", other
                ), other
            ) }} as header_fields_{{ loop.index }},
            {%- endfor %}
            coalesce(trim({{ header_line }}) = '', true) as is_headerless
        from {{ relation }}
    ) as headers
{%- endmacro %}
