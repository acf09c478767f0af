{#
    A select over `lines` (the output of split_lines) that returns one row per CSV record:
    source_file, source_line (the physical line the record starts on) and raw_record.
    A record continues onto the next line while its count of double quotes is odd (a
    quoted field holding a line break); its lines are joined again with a line feed.
    Blank (empty) lines are dropped; a blank line inside a quoted field is kept.

    Only lines with an odd number of quotes open or close a multi-line record, and they
    are rare, so the spans are found among those lines alone (1st opens, 2nd closes, ...)
    and then joined back to all lines by an equi-join. A quote left open at the end of a
    file runs to its last line.

    Columns named in `carry` (per-file values that split_lines repeated on every line) are
    passed through to each record.
#}
{% macro stitch_csv_records(lines, carry=[]) -%}
    {%- set quote_count = dbt.length('line') ~ ' - ' ~ dbt.length(dbt.replace('line', "'\"'", "''")) -%}
    with

    odd_quote_lines as (
        select
            source_file,
            line_no,
            line_count,
            row_number() over (partition by source_file order by line_no) as odd_line_rank
        from {{ lines }}
        where {{ dbt.position("'\"'", 'line') }} > 0 and mod({{ quote_count }}, 2) = 1
    ),

    multiline_spans as (
        select
            opening.source_file,
            opening.line_no as first_line_no,
            coalesce(closing.line_no, opening.line_count) as last_line_no
        from odd_quote_lines as opening
        left join odd_quote_lines as closing
            on
                opening.source_file = closing.source_file
                and closing.odd_line_rank = opening.odd_line_rank + 1
        where mod(opening.odd_line_rank, 2) = 1
    ),

    multiline_span_lines as (
        select
            source_file,
            first_line_no,
            {{ omniscore.explode_range('first_line_no', 'last_line_no') }} as line_no
        from multiline_spans
    ),

    lines_in_records as (
        select
            all_lines.source_file,
            all_lines.line_no,
            all_lines.line,
            {%- for column in carry %}
            all_lines.{{ column }},
            {%- endfor %}
            coalesce(multiline_span_lines.first_line_no, all_lines.line_no) as source_line,
            multiline_span_lines.first_line_no is not null as is_multiline
        from {{ lines }} as all_lines
        left join multiline_span_lines
            on
                all_lines.source_file = multiline_span_lines.source_file
                and all_lines.line_no = multiline_span_lines.line_no
    ),

    single_line_records as (
        select
            source_file,
            source_line,
            line as raw_record{{ "," if carry }}
            {%- for column in carry %}
            {{ column }}{{ "," if not loop.last }}
            {%- endfor %}
        from lines_in_records
        where not is_multiline and line != ''
    ),

    multiline_records as (
        select
            source_file,
            source_line,
            {{ omniscore.ordered_listagg('line', 'chr(10)', 'line_no') }} as raw_record{{ "," if carry }}
            {%- for column in carry %}
            {{ column }}{{ "," if not loop.last }}
            {%- endfor %}
        from lines_in_records
        where is_multiline
        group by source_file, source_line{% for column in carry %}, {{ column }}{% endfor %}
    )

    select * from single_line_records
    union all
    select * from multiline_records
{%- endmacro %}
