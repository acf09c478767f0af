{#
    Calibration of every fitted model version, kept across builds: per bucket (deciles of
    predicted probability for the regressions), the mean prediction against the observed
    rate, on training and holdout rows (docs/architecture.md, "Scoring layer").
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
    select * from {{ ref('int_scoring_calibration') }}
),

lifetime_value as (
    select * from {{ ref('int_clv_calibration') }}
),

unioned as (
    {#- One branch per model family, columns listed so their order cannot differ. #}
    select
        model_name,
        model_version,
        split,
        bucket,
        bucket_label,
        row_count,
        mean_predicted,
        mean_observed
    from scoring
    union all
    select
        model_name,
        model_version,
        split,
        bucket,
        bucket_label,
        row_count,
        mean_predicted,
        mean_observed
    from lifetime_value
),

final as (
    select
        cast(model_name as {{ dbt.type_string() }}) as model_name,
        cast(model_version as {{ dbt.type_string() }}) as model_version,
        cast(split as {{ dbt.type_string() }}) as split,
        cast(bucket as {{ dbt.type_int() }}) as bucket,
        cast(bucket_label as {{ dbt.type_string() }}) as bucket_label,
        cast(row_count as {{ dbt.type_bigint() }}) as row_count,
        cast(mean_predicted as double) as mean_predicted,
        cast(mean_observed as double) as mean_observed
    from unioned
)

select * from final
