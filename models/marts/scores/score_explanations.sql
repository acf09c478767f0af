{#
    Why each person has their scores: one row per as-of date, person, score and component,
    with its contribution, its rank within the score and a readable reason.
      - engagement: one component per channel x interaction type, contributing its decayed,
        capped rule points (int_engagement_points); ranked by points;
      - propensity, churn_risk: one component per feature, contributing
        coefficient x standardised value to the logit (int_model_contributions; the
        intercept is left out: it is the same for everyone); ranked by absolute
        contribution, the reason prefixed `+` when it raises the score and `-` when it
        lowers it.
    Scoreable persons only (int_score_eligibility; regression components also need the
    person's history and a fitted model). Kept per as-of date: a rebuild for the same
    as-of date replaces its rows (delete+insert), history_retention_hooks re-points or
    removes rows of persons whose customer_id changed or who were erased, and
    trim_explanation_history keeps every component only for the two latest as-of dates
    (older ones keep the top `omniscore__explanation_history_components`).
#}

-- depends_on: {{ ref('identity_merges') }}, {{ ref('dim_customers') }}

{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='as_of_date',
        on_schema_change='fail',
        full_refresh=false,
        post_hook=omniscore.history_retention_hooks() + [omniscore.trim_explanation_history()],
    )
}}

with

dates as (
    select as_of_date from {{ ref('int_scoring_dates') }}
),

eligibility as (
    select
        customer_id,
        tenure_days
    from {{ ref('int_score_eligibility') }}
    where not_scoreable_reason is null
),

channels as (
    select
        channel,
        channel_name
    from {{ ref('channels') }}
),

feature_specs as (
    select
        feature_name,
        value_format,
        reason_template
    from {{ ref('score_features') }}
),

engagement as (
    select
        points.customer_id,
        'engagement' as score_name,
        {{ dbt.concat(['points.channel', "':'", 'points.interaction_type']) }} as component,
        cast(points.interaction_count as double) as component_value,
        points.decayed_points as contribution,
        {{ dbt.concat([
            dbt.cast('points.interaction_count', dbt.type_string()),
            "' x '",
            'points.interaction_type',
            "' on '",
            'channels.channel_name',
            "' in the last " ~ var('omniscore__engagement_window_days') ~ " days'",
        ]) }} as reason_text
    from {{ ref('int_engagement_points') }} as points
    inner join eligibility on points.customer_id = eligibility.customer_id
    inner join channels on points.channel = channels.channel
    where points.decayed_points != 0
),

regression as (
    select
        contributions.customer_id,
        contributions.model_name as score_name,
        contributions.term as component,
        contributions.feature_value as component_value,
        contributions.contribution,
        {{ dbt.concat([
            "case when contributions.contribution >= 0 then '+ ' else '- ' end",
            "replace(feature_specs.reason_template, '{value}', "
                ~ omniscore.format_feature_value('contributions.feature_value', 'feature_specs.value_format') ~ ")",
        ]) }} as reason_text
    from {{ ref('int_model_contributions') }} as contributions
    inner join eligibility on contributions.customer_id = eligibility.customer_id
    inner join feature_specs on contributions.term = feature_specs.feature_name
    where
        contributions.split = 'score'
        and eligibility.tenure_days >= {{ var('omniscore__min_history_days') }}
),

components as (
    select * from engagement
    union all
    select * from regression
),

ranked as (
    select
        components.*,
        row_number() over (
            partition by components.customer_id, components.score_name
            order by
                case
                    when components.score_name = 'engagement' then -components.contribution
                    else -abs(components.contribution)
                end,
                components.component
        ) as component_rank
    from components
),

final as (
    select
        -- keys
        dates.as_of_date,
        cast(ranked.customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(ranked.score_name as {{ dbt.type_string() }}) as score_name,
        cast(ranked.component as {{ dbt.type_string() }}) as component,
        -- attributes
        cast(ranked.component_value as double) as component_value,
        cast(ranked.contribution as double) as contribution,
        cast(ranked.component_rank as {{ dbt.type_int() }}) as component_rank,
        cast(ranked.reason_text as {{ dbt.type_string() }}) as reason_text
    from ranked
    cross join dates
)

select * from final
