{#
    Names every raw event name / action / interaction type that no row of
    seeds/interaction_taxonomy.csv maps for its channel, with how many records were
    quarantined for it. A warning, not an error: the build goes on and the records wait in
    the quarantine until someone maps the name (add it to the seed) and rebuilds.
    The failing rows are kept as a view (dbt prints where), so the names can be read.
#}

{{ config(severity='warn', store_failures=true, store_failures_as='view') }}

{%- set event_models = [
    ('web', 'base_web__events'),
    ('app', 'base_app__events'),
    ('email', 'base_email__activities'),
    ('pos', 'base_pos__transactions'),
    ('support', 'base_support__tickets'),
    ('social', 'base_social__interactions'),
] %}

with

{# For this reason the quarantine detail is the unmapped name itself. #}
unmapped as (
    {%- for channel, model in event_models %}
        select
            '{{ channel }}' as channel,
            quarantine_detail as raw_event_name
        from {{ ref(model) }}
        where quarantine_reason = 'unmapped_event_type'
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select
        channel,
        raw_event_name,
        count(*) as quarantined_rows
    from unmapped
    group by channel, raw_event_name
)

select * from final
order by channel, raw_event_name
