{#
    One row per landed file (also files with only a header, or whose every record was
    quarantined or repeated): how many data records the record reader found in it, and
    how each was accounted for. Every record is exactly one of staged (a row of a stg_
    model), a dropped repeat of a staged row, quarantined, or erased (a tombstone of an
    erased person's record). The same accounting in lines (raw_lines: the readers' lines,
    a multi-line record counting each of its lines) adds set-aside lines: a file that
    could not be read as a whole (set_aside_reason: not_utf8, wrong_delimiter,
    missing_required_column) has no records, and all its lines are set aside.
    The readers' lines are held to file_lines, the file's non-blank lines counted from its
    bytes without the readers (count_file_lines; a read CSV file's header excluded), so a
    reader that drops lines, or joins lines into one record that it counts as fewer, makes
    the file fail. is_reconciled says all three add up.
    raw_rows, duplicate_rows, quarantined_rows and erased_rows count the base models (one
    row per record read); staged_rows counts the stg_ views themselves (stores: its base
    model's kept rows, as stg_pos__stores carries no file lineage).
    Rebuilt by the on-run-end erasure scrub when it makes tombstones
    (meta.erasure_refresh_after_scrub), so the build that erases a person counts them.
#}

{{ config(materialized='table', meta={'erasure_refresh_after_scrub': true}) }}

{#- (channel, source table, base model, stg model or none, whether line 1 is a header) -#}
{%- set entities = [
    ('crm', 'contacts', 'base_crm__contacts', 'stg_crm__contacts', true),
    ('crm', 'erasure_requests', 'base_crm__erasure_requests', 'stg_crm__erasure_requests', true),
    ('web', 'events', 'base_web__events', 'stg_web__events', true),
    ('app', 'events', 'base_app__events', 'stg_app__events', false),
    ('email', 'activities', 'base_email__activities', 'stg_email__activities', true),
    ('pos', 'stores', 'base_pos__stores', none, true),
    ('pos', 'transactions', 'base_pos__transactions', 'stg_pos__transactions', true),
    ('support', 'tickets', 'base_support__tickets', 'stg_support__tickets', true),
    ('social', 'interactions', 'base_social__interactions', 'stg_social__interactions', true),
] -%}

with

{#
    Every landed file and its non-blank lines, counted from its bytes by a path that
    shares nothing with the record readers (count_file_lines), so that a reader that
    drops or joins lines shows here.
#}
landed_files as (
    {%- for channel, table, base_model, stg_model, has_header in entities %}
        select
            '{{ channel }}' as channel,
            {{ has_header }} as has_header,
            source_file,
            nonblank_lines,
            is_first_line_nonblank
        from (
            {{ omniscore.count_file_lines(source(channel, table)) | indent(12) }}
        ) as {{ channel }}_{{ table }}_lines
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

record_counts as (
    {%- for channel, table, base_model, stg_model, has_header in entities %}
        select
            source_file,
            sum(case when is_set_aside then 0 else 1 end) as raw_rows,
            sum(case when duplicate_rank > 1 then 1 else 0 end) as duplicate_rows,
            sum(case when quarantine_reason is not null and not is_set_aside then 1 else 0 end) as quarantined_rows,
            sum(case when is_erased then 1 else 0 end) as erased_rows,
            sum(line_count) as raw_lines,
            sum(case when duplicate_rank = 1 then line_count else 0 end) as staged_lines,
            sum(case when duplicate_rank > 1 then line_count else 0 end) as duplicate_lines,
            sum(case when quarantine_reason is not null and not is_set_aside then line_count else 0 end)
                as quarantined_lines,
            sum(case when is_erased then line_count else 0 end) as erased_lines,
            max(case when is_set_aside then quarantine_reason end) as set_aside_reason,
            max(case when is_set_aside then quarantine_detail end) as set_aside_detail,
            sum(case when is_set_aside then line_count else 0 end) as set_aside_lines
        from (
            select
                *,
                coalesce(quarantine_reason in {{ omniscore.set_aside_reasons() }}, false) as is_set_aside
            from {{ ref(base_model) }}
        ) as records
        group by source_file
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

staged_counts as (
    {%- for channel, table, base_model, stg_model, has_header in entities %}
        {%- if stg_model %}
            select
                source_file,
                count(*) as staged_rows
            from {{ ref(stg_model) }}
            group by source_file
        {%- else %}
            select
                source_file,
                count(*) as staged_rows
            from {{ ref(base_model) }}
            where duplicate_rank = 1
            group by source_file
        {%- endif %}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

reconciled as (
    select
        landed_files.channel,
        landed_files.source_file,
        record_counts.set_aside_reason,
        record_counts.set_aside_detail,
        coalesce(record_counts.raw_rows, 0) as raw_rows,
        coalesce(staged_counts.staged_rows, 0) as staged_rows,
        coalesce(record_counts.duplicate_rows, 0) as duplicate_rows,
        coalesce(record_counts.quarantined_rows, 0) as quarantined_rows,
        coalesce(record_counts.erased_rows, 0) as erased_rows,
        coalesce(record_counts.raw_lines, 0) as raw_lines,
        coalesce(record_counts.staged_lines, 0) as staged_lines,
        coalesce(record_counts.duplicate_lines, 0) as duplicate_lines,
        coalesce(record_counts.quarantined_lines, 0) as quarantined_lines,
        coalesce(record_counts.erased_lines, 0) as erased_lines,
        coalesce(record_counts.set_aside_lines, 0) as set_aside_lines,
        {# A read CSV file's header is not a record; a file set aside accounts for every line. #}
        landed_files.nonblank_lines
        - case
            when
                landed_files.has_header
                and landed_files.is_first_line_nonblank
                and record_counts.set_aside_reason is null
                then 1
            else 0
        end as file_lines
    from landed_files
    left join record_counts
        on landed_files.source_file = record_counts.source_file
    left join staged_counts
        on landed_files.source_file = staged_counts.source_file
),

final as (
    select
        -- keys
        source_file,
        -- attributes
        channel,
        -- measures
        file_lines,
        raw_rows,
        staged_rows,
        duplicate_rows,
        quarantined_rows,
        erased_rows,
        raw_lines,
        staged_lines,
        duplicate_lines,
        quarantined_lines,
        erased_lines,
        set_aside_lines,
        -- set aside
        set_aside_reason,
        set_aside_detail,
        -- accounting
        file_lines = raw_lines
        and raw_rows = staged_rows + duplicate_rows + quarantined_rows + erased_rows
        and raw_lines = staged_lines + duplicate_lines + quarantined_lines + erased_lines + set_aside_lines
        and (set_aside_reason is null or raw_rows = 0) as is_reconciled
    from reconciled
)

select * from final
