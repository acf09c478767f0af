{#
    Every fitted model version's evaluation, kept across builds (a rebuild replaces its own
    versions' rows): AUC, log loss, Brier score, top-decile lift, base rate and mean
    prediction on the training rows and on the holdout by time, with the windows the rows
    cover. Long shape (docs/architecture.md, "Scoring layer"): one row per model version,
    split and metric; each model family's int_*_metrics unions in.
#}

{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='model_version',
        on_schema_change='fail',
        full_refresh=false,
    )
}}

with

scoring as (
    select * from {{ ref('int_scoring_metrics') }}
),

lifetime_value as (
    select * from {{ ref('int_clv_metrics') }}
),

unioned as (
    {#- One branch per model family, columns listed so their order cannot differ. #}
    select
        model_name,
        model_version,
        split,
        metric_name,
        metric_value,
        window_start_date,
        window_end_date,
        row_count
    from scoring
    union all
    select
        model_name,
        model_version,
        split,
        metric_name,
        metric_value,
        window_start_date,
        window_end_date,
        row_count
    from lifetime_value
),

final as (
    select
        cast(model_name as {{ dbt.type_string() }}) as model_name,
        cast(model_version as {{ dbt.type_string() }}) as model_version,
        cast(split as {{ dbt.type_string() }}) as split,
        cast(metric_name as {{ dbt.type_string() }}) as metric_name,
        cast(metric_value as double) as metric_value,
        cast(window_start_date as date) as window_start_date,
        cast(window_end_date as date) as window_end_date,
        cast(row_count as {{ dbt.type_bigint() }}) as row_count,
        cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as {{ dbt.type_timestamp() }}) as computed_at
    from unioned
)

select * from final
