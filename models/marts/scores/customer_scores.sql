{#
    The mart BI reads: one row per person of dim_customers (customers, prospects, visitors)
    with every score as of the scoring date, its band, grade or segment, the reasons and
    the model versions. No raw PII: customer_id and attributes of the scores only.

    A person who refused profiling or has no history gets no score at all
    (`is_scoreable = false`, `not_scoreable_reason`); a regression score that is missing
    says why in `<score>_not_scored_reason` (the person-level reason, else
    insufficient_history, no_trained_model or not_a_past_buyer). Bands: seeds/score_bands.csv.
#}

with

dates as (
    select as_of_date from {{ ref('int_scoring_dates') }}
),

customers as (
    select
        customer_id,
        lifecycle_stage
    from {{ ref('dim_customers') }}
),

eligibility as (
    select
        customer_id,
        not_scoreable_reason,
        tenure_days,
        has_purchased
    from {{ ref('int_score_eligibility') }}
),

engagement as (
    select * from {{ ref('int_engagement_scored') }}
),

rfm as (
    select * from {{ ref('int_rfm_scored') }}
),

leads as (
    select * from {{ ref('int_leads_graded') }}
),

funnel as (
    select * from {{ ref('int_funnel_stages_reached') }}
),

predictions as (
    select
        model_name,
        model_version,
        customer_id,
        probability
    from {{ ref('int_model_predictions') }}
    where split = 'score'
),

fitted_models as (
    select distinct model_name from {{ ref('model_coefficients') }}
),

bands as (
    select
        score_name,
        band,
        lower_bound,
        upper_bound
    from {{ ref('score_bands') }}
),

reasons as (
    select
        customer_id,
        score_name,
        {{ omniscore.ordered_listagg('reason_text', "' | '", 'component_rank') }} as top_reasons
    from {{ ref('score_explanations') }}
    where
        as_of_date = (select dates.as_of_date from dates)
        and component_rank <= 3
    group by customer_id, score_name
),

regression as (
    select
        eligibility.customer_id,
    {%- for model in omniscore.scoring_models() %}
        case
            when eligibility.not_scoreable_reason is not null then eligibility.not_scoreable_reason
            when eligibility.tenure_days < {{ var('omniscore__min_history_days') }} then 'insufficient_history'
            when '{{ model.name }}' not in (select fitted_models.model_name from fitted_models)
                then 'no_trained_model'
            {%- if model.name == 'churn_risk' %}
                when not eligibility.has_purchased then 'not_a_past_buyer'
            {%- endif %}
        end as {{ model.name }}_not_scored_reason
        {{- "," if not loop.last }}
    {%- endfor %}
    from eligibility
),

final as (
    select
        -- keys
        cast(customers.customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(dates.as_of_date as date) as as_of_date,
        -- who
        cast(customers.lifecycle_stage as {{ dbt.type_string() }}) as lifecycle_stage,
        cast(eligibility.not_scoreable_reason is null as {{ dbt.type_boolean() }}) as is_scoreable,
        cast(eligibility.not_scoreable_reason as {{ dbt.type_string() }}) as not_scoreable_reason,
        {%- set scored = 'eligibility.not_scoreable_reason is null' %}
        -- engagement (rule-based)
        cast(case when {{ scored }} then coalesce(engagement.score_engagement, 0) end as double)
            as score_engagement,
        cast(case when {{ scored }} then engagement_bands.band end as {{ dbt.type_string() }})
            as engagement_band,
        {%- for channel in omniscore.score_channels() %}
            cast(case when {{ scored }} then coalesce(engagement.score_engagement_{{ channel }}, 0) end as double)
                as score_engagement_{{ channel }},
        {%- endfor %}
        cast(case when {{ scored }} then engagement.most_responsive_channel end as {{ dbt.type_string() }})
            as most_responsive_channel,
        -- RFM (rule-based, buyers)
        cast(case when {{ scored }} then rfm.recency_score end as {{ dbt.type_int() }}) as rfm_recency_score,
        cast(case when {{ scored }} then rfm.frequency_score end as {{ dbt.type_int() }}) as rfm_frequency_score,
        cast(case when {{ scored }} then rfm.monetary_score end as {{ dbt.type_int() }}) as rfm_monetary_score,
        cast(
            case when {{ scored }} then coalesce(rfm.rfm_segment, 'no purchase yet') end as {{ dbt.type_string() }}
        ) as rfm_segment,
        -- lead grade x score (rule-based)
        cast(case when {{ scored }} then leads.fit_points end as double) as fit_points,
        cast(case when {{ scored }} then leads.fit_grade end as {{ dbt.type_string() }}) as fit_grade,
        cast(case when {{ scored }} then leads.engagement_level end as {{ dbt.type_string() }}) as engagement_level,
        cast(case when {{ scored }} then leads.lead_matrix_cell end as {{ dbt.type_string() }}) as lead_matrix_cell,
        cast(case when {{ scored }} then leads.is_prospect end as {{ dbt.type_boolean() }}) as is_prospect,
        cast(case when {{ scored }} then leads.is_mql end as {{ dbt.type_boolean() }}) as is_mql,
        cast(case when {{ scored }} then funnel.funnel_stage_reached end as {{ dbt.type_string() }})
            as funnel_stage_reached,
        -- regression scores
        {%- for model in omniscore.scoring_models() %}
            {%- set usable = model.name ~ '_regression.' ~ model.name ~ '_not_scored_reason is null' %}
            cast(case when {{ usable }} then {{ model.name }}.probability end as double) as score_{{ model.name }},
            cast(case when {{ usable }} then {{ model.name }}_bands.band end as {{ dbt.type_string() }})
                as {{ model.name }}_band,
            cast(case when {{ usable }} then {{ model.name }}.model_version end as {{ dbt.type_string() }})
                as {{ model.name }}_model_version,
            cast({{ model.name }}_regression.{{ model.name }}_not_scored_reason as {{ dbt.type_string() }})
                as {{ model.name }}_not_scored_reason,
        {%- endfor %}
        -- reasons (top three components, `|`-separated)
    {%- for score_name in ['engagement'] + omniscore.scoring_models() | map(attribute='name') | list %}
        cast({{ score_name }}_reasons.top_reasons as {{ dbt.type_string() }}) as {{ score_name }}_top_reasons
        {{- "," if not loop.last }}
    {%- endfor %}
    from customers
    cross join dates
    inner join eligibility on customers.customer_id = eligibility.customer_id
    left join engagement on customers.customer_id = engagement.customer_id
    left join bands as engagement_bands
        on
            engagement_bands.score_name = 'engagement'
            and coalesce(engagement.score_engagement, 0) >= engagement_bands.lower_bound
            and coalesce(engagement.score_engagement, 0) < engagement_bands.upper_bound
    left join rfm on customers.customer_id = rfm.customer_id
    left join leads on customers.customer_id = leads.customer_id
    left join funnel on customers.customer_id = funnel.customer_id
    {%- for model in omniscore.scoring_models() %}
        left join regression as {{ model.name }}_regression
            on customers.customer_id = {{ model.name }}_regression.customer_id
        left join predictions as {{ model.name }}
            on customers.customer_id = {{ model.name }}.customer_id and {{ model.name }}.model_name = '{{ model.name }}'
        left join bands as {{ model.name }}_bands
            on
                {{ model.name }}_bands.score_name = '{{ model.name }}'
                and {{ model.name }}.probability >= {{ model.name }}_bands.lower_bound
                and {{ model.name }}.probability < {{ model.name }}_bands.upper_bound
    {%- endfor %}
    {%- for score_name in ['engagement'] + omniscore.scoring_models() | map(attribute='name') | list %}
        left join reasons as {{ score_name }}_reasons
            on
                customers.customer_id = {{ score_name }}_reasons.customer_id
                and {{ score_name }}_reasons.score_name = '{{ score_name }}'
    {%- endfor %}
)

select * from final
