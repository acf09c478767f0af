{#
    A select over `lines` (the output of split_lines) that returns one row per CSV record:
    source_file, source_line (the physical line the record starts on), raw_record,
    line_count (the non-blank lines it is made of) and is_unbalanced_quote.
    A record continues onto the next line while its count of double quotes is odd (a
    quoted field holding a line break); its lines are joined again with a line feed.
    Blank (empty) lines are dropped; a blank line inside a quoted field is kept.

    Only lines with an odd number of quotes open or close a multi-line record, and they
    are rare, so the spans are found among those lines alone and then joined back to all
    lines by an equi-join. A quoted field spans at most omniscore__max_quoted_field_lines
    lines: two odd lines further apart cannot be one record. The odd lines of a file fall
    into runs in which each is close enough to the next; within a run the 1st opens, the
    2nd closes, and so on; a run's last odd line left without a closer (a stray quote, or
    a quote left open at the end of the file) is a record of its own line with
    is_unbalanced_quote, and the lines after it are read as their own records.

    Line 1 is the header (read_csv_header strips its quotes): it never opens a record, so a
    stray quote in it cannot join data lines to it (the header line is not staged).

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
            case
                when
                    line_no - lag(line_no) over (partition by source_file order by line_no) + 1
                    <= {{ var('omniscore__max_quoted_field_lines') }}
                    then 0
                else 1
            end as starts_run
        from {{ lines }}
        where
            line_no > 1
            and {{ dbt.position("'\"'", 'line') }} > 0
            and mod({{ quote_count }}, 2) = 1
    ),

    odd_quote_runs as (
        select
            source_file,
            line_no,
            sum(starts_run) over (
                partition by source_file order by line_no rows between unbounded preceding and current row
            ) as run_no
        from odd_quote_lines
    ),

    odd_quote_ranks as (
        select
            source_file,
            line_no,
            run_no,
            row_number() over (partition by source_file, run_no order by line_no) as odd_line_rank
        from odd_quote_runs
    ),

    multiline_spans as (
        select
            opening.source_file,
            opening.line_no as first_line_no,
            coalesce(closing.line_no, opening.line_no) as last_line_no,
            closing.line_no is null as is_unbalanced_quote
        from odd_quote_ranks as opening
        left join odd_quote_ranks as closing
            on
                opening.source_file = closing.source_file
                and opening.run_no = closing.run_no
                and closing.odd_line_rank = opening.odd_line_rank + 1
        where mod(opening.odd_line_rank, 2) = 1
    ),

    multiline_span_lines as (
        select
            source_file,
            first_line_no,
            is_unbalanced_quote,
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
            coalesce(multiline_span_lines.is_unbalanced_quote, false) as is_unbalanced_quote,
            multiline_span_lines.first_line_no is not null and not multiline_span_lines.is_unbalanced_quote
                as is_multiline
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
            line as raw_record,
            1 as line_count,
            is_unbalanced_quote{{ "," if carry }}
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
            {{ omniscore.ordered_listagg('line', 'chr(10)', 'line_no') }} as raw_record,
            cast(sum(case when line != '' then 1 else 0 end) as {{ dbt.type_int() }}) as line_count,
            false as is_unbalanced_quote{{ "," if carry }}
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
