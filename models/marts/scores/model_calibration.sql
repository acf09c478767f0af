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
    from scoring
)

select * from final
