{#
    One probability per model version and scored row: the logistic function of the summed
    contributions of int_model_contributions (intercept included), with the holdout rows'
    labels of the training and holdout rows for evaluation.
#}

with

contributions as (
    select
        model_name,
        model_version,
        split,
        as_of_date,
        customer_id,
        contribution
    from {{ ref('int_model_contributions') }}
),

labels as (
    select
        model_version,
        split,
        as_of_date,
        customer_id,
        label
    from {{ ref('model_training_set') }}
),

logits as (
    select
        model_name,
        model_version,
        split,
        as_of_date,
        customer_id,
        sum(contribution) as logit
    from contributions
    group by model_name, model_version, split, as_of_date, customer_id
),

final as (
    select
        logits.model_name,
        logits.model_version,
        logits.split,
        logits.as_of_date,
        logits.customer_id,
        logits.logit,
        labels.label,
        1.0 / (1.0 + exp(-logits.logit)) as probability
    from logits
    left join labels
        on
            logits.model_version = labels.model_version
            and logits.split = labels.split
            and logits.as_of_date = labels.as_of_date
            and logits.customer_id = labels.customer_id
)

select * from final
