{#
    A select over `lines` (the output of split_lines) that returns one row per CSV record:
    source_file, source_line (the physical line the record starts on), raw_record,
    line_count (the non-blank lines it is made of), is_unbalanced_quote and
    is_quote_left_open. A record continues onto the next line while a quoted field is open
    (a line break inside it); its lines are joined again with a line feed. Blank (empty)
    lines are dropped; a blank line inside a quoted field is kept.

    Only quotes where CSV puts them count (csv_quote_patterns has the rules as regular
    expressions, python/omniscore/validate.py the same rules as a scanner): after the
    doubled quotes `""`, a quote opens a quoted field only at a field's start (start of the
    line or just after the delimiter) and closes it only just before a delimiter or the end
    of the line. Any other quote is stray: mid-field in an unquoted field (`abc"d`), or
    inside a quoted field but neither doubled nor before a delimiter. A stray quote is
    literal text: it never opens or closes a record, so it cannot join other lines to its
    own; the record holding one is quarantined (is_unbalanced_quote), because CSV
    readers disagree on what it means and this one's field splitter (split_csv_fields)
    would split the record wrongly. Its own record is all it costs.

    Read at a record's start, a line `opens` when it ends inside a quoted field. Read inside
    a quoted field (a continuation), a line `closes` when it closes the field and ends
    outside one, and `breaks` when, before any close, an odd run of quotes at its start or
    just after a delimiter is followed by text: a new record opening a quoted field (an
    export doubles every quote inside a quoted field). A quoted field spans at most
    omniscore__max_quoted_field_lines lines. After a line that opens, the first later line
    that closes, opens or breaks decides: if it closes (and does not break) within the cap,
    the record ends there; otherwise the opening quote had no close: its line is a record
    of its own with is_quote_left_open (and is_unbalanced_quote), and the lines after it
    are read as their own records. So an unclosed quote never swallows a record that
    starts a quoted field of its own, and a stray quote never opens anything. (What can
    still join lines: an opening quote that never closes, followed within the cap by a
    line that reads as its close, e.g. a stray quote just before a delimiter; the record
    is quarantined and counted in lines: docs/architecture.md, "Quotes".)

    Lines that may change the state (`opens`; `closes` or `breaks` within the cap after a
    line that opens) are rare, so the records are found among those lines alone and
    joined back to all lines by an equi-join: consecutive such lines form chains in which
    each line closes what its predecessor opens within the cap; in a chain the 1st line
    opens and the 2nd closes a record, the 3rd (read at a record's start again) opens the
    next, and so on; a chain's odd last line that opens is left open.

    Line 1 is the header (read_csv_header strips its quotes): it never opens a record, so a
    stray quote in it cannot join data lines to it (the header line is not staged).

    Columns named in `carry` (per-file values that split_lines repeated on every line) are
    passed through to each record.
#}
{% macro stitch_csv_records(lines, carry=[], delimiter=',') -%}
    {%- set patterns = omniscore.csv_quote_patterns(delimiter) -%}
    {%- set cap = var('omniscore__max_quoted_field_lines') -%}
    with

    quote_lines as (
        select
            source_file,
            line_no,
            line,
            {{ omniscore.regexp_full_match('line', patterns.opens) }} as opens_quote
        from {{ lines }}
        where line_no > 1 and {{ dbt.position("'\"'", 'line') }} > 0
    ),

    quote_lines_after_openers as (
        select
            source_file,
            line_no,
            line,
            opens_quote,
            line_no - max(case when opens_quote then line_no end) over (
                partition by source_file order by line_no rows between unbounded preceding and 1 preceding
            ) + 1 <= {{ cap }} as is_near_opener
        from quote_lines
    ),

    {#- The continuation checks only where an open quote could be pending (CASE evaluates
        a branch on its rows only): most quoted lines are single-line records. #}
    state_lines as (
        select
            source_file,
            line_no,
            opens_quote,
            case
                when not is_near_opener then 'none'
                when {{ omniscore.regexp_full_match('line', patterns.breaks) }} then 'breaks'
                when {{ omniscore.regexp_full_match('line', patterns.closes) }} then 'closes'
                else 'continues'
            end as continuation
        from quote_lines_after_openers
    ),

    chain_links as (
        select
            source_file,
            line_no,
            opens_quote,
            case
                when
                    continuation = 'closes'
                    and lag(opens_quote) over (partition by source_file order by line_no)
                    and line_no - lag(line_no) over (partition by source_file order by line_no) + 1 <= {{ cap }}
                    then 0
                else 1
            end as starts_chain
        from state_lines
        where opens_quote or continuation in ('breaks', 'closes')
    ),

    chains as (
        select
            source_file,
            line_no,
            opens_quote,
            sum(starts_chain) over (
                partition by source_file order by line_no rows between unbounded preceding and current row
            ) as chain_no
        from chain_links
    ),

    chain_positions as (
        select
            source_file,
            line_no,
            opens_quote,
            row_number() over (partition by source_file, chain_no order by line_no) as chain_rank,
            lead(line_no) over (partition by source_file, chain_no order by line_no) as closing_line_no
        from chains
    ),

    multiline_spans as (
        select
            source_file,
            line_no as first_line_no,
            coalesce(closing_line_no, line_no) as last_line_no,
            closing_line_no is null as is_quote_left_open
        from chain_positions
        where mod(chain_rank, 2) = 1 and (closing_line_no is not null or opens_quote)
    ),

    multiline_span_lines as (
        select
            source_file,
            first_line_no,
            is_quote_left_open,
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
            coalesce(multiline_span_lines.is_quote_left_open, false) as is_quote_left_open,
            multiline_span_lines.first_line_no is not null and not multiline_span_lines.is_quote_left_open
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
            is_quote_left_open,
            {%- for column in carry %}
            {{ column }},
            {%- endfor %}
            line_no > 1 and {{ dbt.position("'\"'", 'line') }} > 0 as has_quote
        from lines_in_records
        where not is_multiline and line != ''
    ),

    multiline_records as (
        select
            source_file,
            source_line,
            {{ omniscore.ordered_listagg('line', 'chr(10)', 'line_no') }} as raw_record,
            cast(sum(case when line != '' then 1 else 0 end) as {{ dbt.type_int() }}) as line_count,
            false as is_quote_left_open,
            {%- for column in carry %}
            {{ column }},
            {%- endfor %}
            true as has_quote
        from lines_in_records
        where is_multiline
        group by source_file, source_line{% for column in carry %}, {{ column }}{% endfor %}
    ),

    records as (
        select * from single_line_records
        union all
        select * from multiline_records
    )

    select
        source_file,
        source_line,
        raw_record,
        line_count,
        {%- for column in carry %}
        {{ column }},
        {%- endfor %}
        is_quote_left_open,
        case
            when is_quote_left_open then true
            when has_quote then not {{ omniscore.regexp_full_match('raw_record', patterns.record) }}
            else false
        end as is_unbalanced_quote
    from records
{%- endmacro %}
