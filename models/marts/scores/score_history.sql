{#
    Every build's scores, kept per as-of date: one row per as-of date and scoreable person
    with the scores, bands and segments of customer_scores. Re-running a build for the same
    as-of date replaces that date's rows (delete+insert), never duplicates them, and
    `dbt build --full-refresh` keeps the history (`full_refresh: false`);
    history_retention_hooks re-points rows of re-anchored persons and removes those of
    persons who no longer exist (erased, merged, split).
#}

-- depends_on: {{ ref('identity_merges') }}, {{ ref('dim_customers') }}

{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='as_of_date',
        on_schema_change='fail',
        full_refresh=false,
        post_hook=omniscore.history_retention_hooks(),
    )
}}

with

scores as (
    select * from {{ ref('customer_scores') }}
    where is_scoreable
),

final as (
    select
        -- keys
        as_of_date,
        customer_id,
        -- scores
        score_engagement,
        engagement_band,
        {%- for channel in omniscore.score_channels() %}
            score_engagement_{{ channel }},
        {%- endfor %}
        most_responsive_channel,
        rfm_recency_score,
        rfm_frequency_score,
        rfm_monetary_score,
        rfm_segment,
        fit_points,
        fit_grade,
        engagement_level,
        lead_matrix_cell,
        is_mql,
        funnel_stage_reached,
        {%- for model in omniscore.scoring_models() %}
            score_{{ model.name }},
            {{ model.name }}_band,
            {{ model.name }}_model_version,
        {%- endfor %}
        -- metadata
        cast('{{ invocation_id }}' as {{ dbt.type_string() }}) as run_id
    from scores
)

select * from final
