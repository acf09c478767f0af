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

{%- set columns = [
    ('model_name', dbt.type_string()),
    ('model_version', dbt.type_string()),
    ('split', dbt.type_string()),
    ('bucket', dbt.type_int()),
    ('bucket_label', dbt.type_string()),
    ('row_count', dbt.type_bigint()),
    ('mean_predicted', 'double'),
    ('mean_observed', 'double'),
] %}

with

unioned as (
    {#- One branch per model family. #}
    {{ omniscore.union_model_families(
        [ref('int_scoring_calibration'), ref('int_clv_calibration')], columns
    ) | indent(4) }}
),

final as (
    select * from unioned
)

select * from final
