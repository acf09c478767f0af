{#
    One row per fitted version of the lifetime-value model (BG/NBD + Gamma-Gamma), kept
    across builds like model_metrics: each build's `scoring` fit (what customer_value
    uses) and `calibration` fit (checked on the holdout) replace their own version's row
    and leave earlier versions. No row for a window too small to fit.
#}

{#- append_new_columns: versions fitted before a column existed keep null in it. #}
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='model_version',
        on_schema_change='append_new_columns',
        full_refresh=false,
    )
}}

with

fits as (
    select * from {{ ref('int_clv_model_fits') }}
),

final as (
    select
        -- keys
        cast(model_version as {{ dbt.type_string() }}) as model_version,
        -- attributes
        cast(model_name as {{ dbt.type_string() }}) as model_name,
        cast(window_name as {{ dbt.type_string() }}) as window_name,
        cast(calibration_start_date as date) as calibration_start_date,
        cast(calibration_end_date as date) as calibration_end_date,
        cast(time_unit as {{ dbt.type_string() }}) as time_unit,
        -- BG/NBD
        cast(row_count as {{ dbt.type_bigint() }}) as row_count,
        cast(r as double) as r,
        cast(alpha as double) as alpha,
        cast(a as double) as a,
        cast(b as double) as b,
        cast(bgnbd_log_likelihood as double) as bgnbd_log_likelihood,
        -- Gamma-Gamma
        cast(gamma_gamma_row_count as {{ dbt.type_bigint() }}) as gamma_gamma_row_count,
        cast(p as double) as p,
        cast(q as double) as q,
        cast(gamma as double) as gamma,
        cast(gamma_gamma_log_likelihood as double) as gamma_gamma_log_likelihood,
        cast(spend_heterogeneity as double) as spend_heterogeneity,
        cast(is_gamma_gamma_at_boundary as {{ dbt.type_boolean() }}) as is_gamma_gamma_at_boundary
    from fits
)

select * from final
