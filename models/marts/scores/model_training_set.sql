{#
    The rows each regression model version is fitted on (`split = 'train'`) and evaluated on
    (`split = 'holdout'`): point-in-time features of int_customer_features as of each
    snapshot date of int_scoring_snapshots, and the label from the window after it.

    Who is in a model's rows: persons first seen at least `omniscore__min_history_days`
    before the as-of date who have not refused profiling (a refusal removes a person from
    training too); churn risk only persons with a purchase before the as-of date.
    Labels: propensity = a purchase day in [as_of, as_of + window); churn risk = none.
#}

{%- set models = omniscore.scoring_models() %}

with

snapshots as (
    select
        model_name,
        split,
        as_of_date,
        window_days,
        label_window_end_date
    from {{ ref('int_scoring_snapshots') }}
    where split in ('train', 'holdout')
),

features as (
    select * from {{ ref('int_customer_features') }}
),

feature_specs as (
    select
        feature_name,
        transform,
        used_by_models
    from {{ ref('score_features') }}
),

consent as (
    select
        customer_id,
        is_profiling_consented
    from {{ ref('dim_customers') }}
),

purchase_days as (
    select distinct
        customer_id,
        occurred_date
    from {{ ref('int_interactions_daily') }}
    where interaction_type = 'purchase'
),

versions as (
    {%- for model in models %}
        select
            snapshots.model_name,
            {{ omniscore.model_version(
                model,
                'snapshots.as_of_date',
                "(select " ~ omniscore.ordered_listagg(
                    dbt.concat(['feature_specs.feature_name', "':'", 'feature_specs.transform']),
                    "','",
                    'feature_specs.feature_name',
                ) ~ " from feature_specs where " ~ dbt.position(
                    "';" ~ model.name ~ ";'", dbt.concat(["';'", 'feature_specs.used_by_models', "';'"])
                ) ~ " > 0)",
            ) }} as model_version
        from snapshots
        where snapshots.model_name = '{{ model.name }}' and snapshots.split = 'holdout'
        {{- " union all" if not loop.last }}
    {%- endfor %}
),

eligible as (
    select
        snapshots.model_name,
        snapshots.split,
        snapshots.as_of_date,
        snapshots.label_window_end_date,
        features.customer_id
    from snapshots
    inner join features on snapshots.as_of_date = features.as_of_date
    left join consent on features.customer_id = consent.customer_id
    where
        coalesce(consent.is_profiling_consented, true)
        and features.tenure_days >= {{ var('omniscore__min_history_days') }}
        and (snapshots.model_name != 'churn_risk' or features.has_purchased)
),

labelled as (
    select
        eligible.model_name,
        eligible.split,
        eligible.as_of_date,
        eligible.label_window_end_date,
        eligible.customer_id,
        max(case when purchase_days.occurred_date is not null then 1 else 0 end) as has_purchase_in_window
    from eligible
    left join purchase_days
        on
            eligible.customer_id = purchase_days.customer_id
            and eligible.as_of_date <= purchase_days.occurred_date
            and eligible.label_window_end_date > purchase_days.occurred_date
    group by
        eligible.model_name,
        eligible.split,
        eligible.as_of_date,
        eligible.label_window_end_date,
        eligible.customer_id
),

final as (
    select -- noqa: ST06, AM04
        -- keys (as_of_date and customer_id come first among the features)
        labelled.model_name,
        versions.model_version,
        labelled.split,
        -- label
        labelled.label_window_end_date,
        case
            when labelled.model_name = 'churn_risk' then 1 - labelled.has_purchase_in_window
            else labelled.has_purchase_in_window
        end as label, -- noqa: RF04
        -- features: every column of int_customer_features, so a feature added there is here
        features.*
    from labelled
    inner join features
        on labelled.as_of_date = features.as_of_date and labelled.customer_id = features.customer_id
    inner join versions on labelled.model_name = versions.model_name
)

select * from final -- noqa: AM04
