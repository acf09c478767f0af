{#
    The model versions in use today, for BI and the data-quality suites (expectations/marts/
    model_metrics.sql, model_calibration.sql): the regression
    versions customer_scores scores people with, lifetime value's version in
    customer_value (`scores_today`), and the lifetime-value fit whose holdout ends on
    today's as-of date, the evidence for it (`holdout_evidence`). model_metrics and
    model_calibration keep every version ever fitted; these are the ones to judge. A view,
    so it always follows the marts it reads.
#}

{{ config(materialized='view') }}

with

scores as (
    select * from {{ ref('customer_scores') }}
),

customer_value as (
    select * from {{ ref('customer_value') }}
),

metrics as (
    select * from {{ ref('model_metrics') }}
),

lifetime_value_fits as (
    select * from {{ ref('clv_model_parameters') }}
),

in_use as (
    {%- for model in omniscore.scoring_models() %}
        select distinct
            '{{ model.name }}' as model_name,
            {{ model.name }}_model_version as model_version,
            'scores_today' as version_role
        from scores
        where {{ model.name }}_model_version is not null
        union all
    {%- endfor %}
    select distinct
        lifetime_value_fits.model_name,
        customer_value.model_version,
        'scores_today' as version_role
    from customer_value
    inner join lifetime_value_fits on customer_value.model_version = lifetime_value_fits.model_version
    union all
    select distinct
        metrics.model_name,
        metrics.model_version,
        'holdout_evidence' as version_role
    from metrics
    where
        metrics.split = 'holdout'
        and metrics.model_name in (select lifetime_value_fits.model_name from lifetime_value_fits)
        and metrics.window_end_date = (select max(customer_value.as_of_date) from customer_value)
),

final as (
    select
        cast(model_name as {{ dbt.type_string() }}) as model_name,
        cast(model_version as {{ dbt.type_string() }}) as model_version,
        cast(version_role as {{ dbt.type_string() }}) as version_role
    from in_use
)

select * from final
