{#
    A select over `relation` (one row per landed file: `filename`, `content`) that returns
    one row per physical line: source_file (path relative to the raw dir), line_no
    (1-based), line (BOM and CR stripped) and line_count (lines in the file, for records
    left open at the end of a file). Blank lines are kept here: a blank line can sit inside
    a quoted CSV field; the record readers drop blank records.
    Each column named in `carry` (a per-file value of `relation`, such as a header's column
    positions) is repeated on every line of its file, so that readers need no join back to
    a per-file table: a join of millions of lines to a few dozen files costs more than the
    split itself.
#}
{% macro split_lines(relation, carry=[]) -%}
    {{ return(adapter.dispatch('split_lines', 'omniscore')(relation, carry)) }}
{%- endmacro %}

{% macro default__split_lines(relation, carry=[]) -%}
    select
        {{ omniscore.raw_file_path('files.filename') }} as source_file,
        {%- for column in carry %}
        files.{{ column }},
        {%- endfor %}
        exploded.line_index + 1 as line_no,
        {{ omniscore.clean_line('exploded.line', 'exploded.line_index + 1') }} as line,
        size(split(files.content, '\n', -1)) as line_count
    from {{ relation }} as files
    lateral view posexplode(split(files.content, '\n', -1)) exploded as line_index, line
{%- endmacro %}

{% macro duckdb__split_lines(relation, carry=[]) -%}
    select
        source_file,
        {%- for column in carry %}
        {{ column }},
        {%- endfor %}
        line_no,
        {{ omniscore.clean_line('line', 'line_no') }} as line,
        line_count
    from (
        select
            source_file,
            {%- for column in carry %}
            {{ column }},
            {%- endfor %}
            unnest(lines) as line,
            generate_subscripts(lines, 1) as line_no,
            len(lines) as line_count
        from (
            select
                {{ omniscore.raw_file_path('filename') }} as source_file,
                {%- for column in carry %}
                {{ column }},
                {%- endfor %}
                string_split(content, chr(10)) as lines
            from {{ relation }}
        ) as files
    ) as file_lines
{%- endmacro %}
