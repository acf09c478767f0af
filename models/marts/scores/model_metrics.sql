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

{%- set columns = [
    ('model_name', dbt.type_string()),
    ('model_version', dbt.type_string()),
    ('split', dbt.type_string()),
    ('metric_name', dbt.type_string()),
    ('metric_value', 'double'),
    ('window_start_date', 'date'),
    ('window_end_date', 'date'),
    ('row_count', dbt.type_bigint()),
] %}

with

unioned as (
    {#- One branch per model family. #}
    {{ omniscore.union_model_families([ref('int_scoring_metrics'), ref('int_clv_metrics')], columns) | indent(4) }}
),

final as (
    select
        *,
        cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as {{ dbt.type_timestamp() }}) as computed_at
    from unioned
)

select * from final
