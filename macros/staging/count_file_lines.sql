{#
    A select over `relation` (one row per landed file as bytes: `filename`, `content`, from
    read_blob) that returns one row per file: source_file, nonblank_lines (its non-blank
    lines, as raw-exports.md defines a line: ended by a line feed, a CRLF ending and a
    UTF-8 byte-order mark at the start of the file ignored, a last line without a line feed
    counted; a blank line is empty or holds only a carriage return) and
    is_first_line_nonblank (whether line 1, a CSV file's header, is one of them).

    The count that audit.file_reconciliation holds the record readers to, so it shares
    nothing with them (decode_raw_files, split_lines, stitch_csv_records, the readers): the
    file's text is never split into lines. Line feeds are counted by length arithmetic
    (length minus the length without them), and blank lines are the line feeds that
    directly follow another (a run of k line feeds holds k - 1 empty lines; found by a
    regular expression only in the rare file that has one) plus an empty first line.
    A file that is not UTF-8 is counted on its bytes' escaped text (a blob cast to text
    writes a line feed as `\x0A` and a backslash as `\x5C`, so no other byte reads as one).
#}
{% macro count_file_lines(relation) -%}
    {{ return(adapter.dispatch('count_file_lines', 'omniscore')(relation)) }}
{%- endmacro %}

{#-
    The arithmetic on `text` (line feeds only: CRLF already made LF, the BOM stripped),
    shared by the adapters. `fn` names their functions: length (in any unit, as both
    sides of a subtraction use it), starts_with, ends_with and contains (of two strings).
-#}
{% macro count_text_lines(text, fn) -%}
    {%- set lf = 'chr(10)' -%}
    {%- set cr = 'chr(13)' -%}
    select
        source_file,
        line_feeds - blank_lines_ended + has_unended_last_line as nonblank_lines,
        not ({{ fn.starts_with }}({{ text }}, {{ lf }}) or {{ text }} in ('', {{ cr }})) as is_first_line_nonblank
    from (
        select
            source_file,
            {{ text }},
            {{ fn.length }}({{ text }}) - {{ fn.length }}(replace({{ text }}, {{ lf }}, '')) as line_feeds,
            case when {{ fn.starts_with }}({{ text }}, {{ lf }}) then 1 else 0 end
            + case
                when {{ fn.contains }}({{ text }}, {{ lf }} || {{ lf }})
                    then {{ fn.length }}({{ text }})
                    - {{ fn.length }}({{ omniscore.regexp_replace_all(text, '\\n\\n+', 'x') }})
                else 0
            end as blank_lines_ended,
            case
                when
                    {{ text }} in ('', {{ cr }})
                    or {{ fn.ends_with }}({{ text }}, {{ lf }})
                    or {{ fn.ends_with }}({{ text }}, {{ lf }} || {{ cr }})
                    then 0
                else 1
            end as has_unended_last_line
        from counted_files
    ) as line_feed_counts
{%- endmacro %}

{#- Portable: Spark's string functions; a file in another encoding is cast with replacement characters. -#}
{% macro default__count_file_lines(relation) -%}
    {%- set fn = {
        'length': 'length',
        'starts_with': 'startswith',
        'ends_with': 'endswith',
        'contains': 'contains',
    } -%}
    with

    counted_files as (
        select
            source_file,
            regexp_replace(regexp_replace(file_text, concat(chr(13), chr(10)), chr(10)), '^\uFEFF+', '') as file_text
        from (
            select
                {{ omniscore.raw_file_path('filename') }} as source_file,
                cast(content as {{ dbt.type_string() }}) as file_text
            from {{ relation }}
        ) as files
    )

    {{ omniscore.count_text_lines('file_text', fn) }}
{%- endmacro %}

{#-
    DuckDB: strlen (bytes, constant time) rather than length (characters, a scan); the
    CRLF replace and the BOM trim only on the files that have one.
-#}
{% macro duckdb__count_file_lines(relation) -%}
    {%- set fn = {
        'length': 'strlen',
        'starts_with': 'starts_with',
        'ends_with': 'suffix',
        'contains': 'contains',
    } -%}
    with

    decoded_files as (
        select
            {{ omniscore.raw_file_path('filename') }} as source_file,
            case
                when typeof(content) != 'BLOB' then cast(content as varchar)
                else coalesce(
                    try(decode(cast(content as blob))),
                    replace(
                        replace(cast(cast(content as blob) as varchar), chr(92) || 'x0A', chr(10)),
                        chr(92) || 'x0D',
                        chr(13)
                    )
                )
            end as file_text
        from {{ relation }}
    ),

    without_crlf as (
        select
            source_file,
            case
                when contains(file_text, chr(13)) then replace(file_text, chr(13) || chr(10), chr(10))
                else file_text
            end as file_text
        from decoded_files
    ),

    counted_files as (
        select
            source_file,
            case
                when starts_with(file_text, chr(65279)) then ltrim(file_text, chr(65279))
                else file_text
            end as file_text
        from without_crlf
    )

    {{ omniscore.count_text_lines('file_text', fn) }}
{%- endmacro %}
