{#
    One row per landed file (also files with only a header, or whose every record was
    quarantined or repeated): how many data records the record reader found in it, and
    how each was accounted for. Every record is exactly one of staged (a row of a stg_
    model), a dropped repeat of a staged row, quarantined, or erased (a tombstone of an
    erased person's record); is_reconciled says the four add up to raw_rows.
    raw_rows, duplicate_rows, quarantined_rows and erased_rows count the base models (one
    row per record read); staged_rows counts the stg_ views themselves (stores: its base
    model's kept rows, as stg_pos__stores carries no file lineage).
    Rebuilt by the on-run-end erasure scrub when it makes tombstones
    (meta.erasure_refresh_after_scrub), so the build that erases a person counts them.
#}

{{ config(materialized='table', meta={'erasure_refresh_after_scrub': true}) }}

{#- (channel, source table, base model, stg model or none) -#}
{%- set entities = [
    ('crm', 'contacts', 'base_crm__contacts', 'stg_crm__contacts'),
    ('crm', 'erasure_requests', 'base_crm__erasure_requests', 'stg_crm__erasure_requests'),
    ('web', 'events', 'base_web__events', 'stg_web__events'),
    ('app', 'events', 'base_app__events', 'stg_app__events'),
    ('email', 'activities', 'base_email__activities', 'stg_email__activities'),
    ('pos', 'stores', 'base_pos__stores', none),
    ('pos', 'transactions', 'base_pos__transactions', 'stg_pos__transactions'),
    ('support', 'tickets', 'base_support__tickets', 'stg_support__tickets'),
    ('social', 'interactions', 'base_social__interactions', 'stg_social__interactions'),
] -%}

with

{# Only file names are read here: the content column is not selected. #}
landed_files as (
    {%- for channel, table, base_model, stg_model in entities %}
        select
            '{{ channel }}' as channel,
            {{ omniscore.raw_file_path('filename') }} as source_file
        from {{ source(channel, table) }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

record_counts as (
    {%- for channel, table, base_model, stg_model in entities %}
        select
            source_file,
            count(*) as raw_rows,
            sum(case when duplicate_rank > 1 then 1 else 0 end) as duplicate_rows,
            sum(case when quarantine_reason is not null then 1 else 0 end) as quarantined_rows,
            sum(case when is_erased then 1 else 0 end) as erased_rows
        from {{ ref(base_model) }}
        group by source_file
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

staged_counts as (
    {%- for channel, table, base_model, stg_model in entities %}
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
        coalesce(record_counts.raw_rows, 0) as raw_rows,
        coalesce(staged_counts.staged_rows, 0) as staged_rows,
        coalesce(record_counts.duplicate_rows, 0) as duplicate_rows,
        coalesce(record_counts.quarantined_rows, 0) as quarantined_rows,
        coalesce(record_counts.erased_rows, 0) as erased_rows
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
        raw_rows,
        staged_rows,
        duplicate_rows,
        quarantined_rows,
        erased_rows,
        raw_rows = staged_rows + duplicate_rows + quarantined_rows + erased_rows as is_reconciled
    from reconciled
)

select * from final
