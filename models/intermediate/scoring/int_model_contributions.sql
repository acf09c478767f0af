{#
    Scoring in SQL over model_coefficients: per model version, row to score and term, the
    term's contribution to the logit, coefficient * (transform(value) - center) / scale
    (the intercept contributes its coefficient). Rows scored:
      - `holdout`: model_training_set's holdout rows, and `train`: its training rows, up to
        `omniscore__max_evaluated_training_rows` per version in a fixed pseudo-random order
        (md5 of person and date), enough for the training metrics at any size;
      - `score`: every person at the build's as-of date (churn risk: past buyers), with the
        latest fitted version of each model. Eligibility (consent, history) is applied
        where the score is published (customer_scores), so that the reason can be shown.
    A contribution is 0 for a person at the training mean, so contributions explain how a
    person differs from the average training row.
#}

with

dates as (
    select as_of_date from {{ ref('int_scoring_dates') }}
),

coefficients as (
    select
        model_name,
        model_version,
        term,
        transform,
        center,
        scale,
        coefficient
    from {{ ref('model_coefficients') }}
),

versions as (
    select distinct
        model_name,
        model_version
    from coefficients
),

current_persons as (
    select
        features.as_of_date,
        features.customer_id,
        features.has_purchased
    from {{ ref('int_customer_features') }} as features
    inner join dates on features.as_of_date = dates.as_of_date
),

rows_to_score as (
    select
        model_name,
        model_version,
        split,
        as_of_date,
        customer_id
    from (
        select
            training.model_name,
            training.model_version,
            training.split,
            training.as_of_date,
            training.customer_id,
            row_number() over (
                partition by training.model_version, training.split
                order by md5({{ dbt.concat([
                    'training.customer_id', "'|'", dbt.cast('training.as_of_date', dbt.type_string())
                ]) }})
            ) as sample_rank
        from {{ ref('model_training_set') }} as training
        inner join versions on training.model_version = versions.model_version
    ) as sampled
    where split = 'holdout' or sample_rank <= {{ var('omniscore__max_evaluated_training_rows') }}
    union all
    select
        versions.model_name,
        versions.model_version,
        'score' as split,
        current_persons.as_of_date,
        current_persons.customer_id
    from versions
    cross join current_persons
    where versions.model_name != 'churn_risk' or current_persons.has_purchased
),

persons_to_score as (
    select distinct
        as_of_date,
        customer_id
    from rows_to_score
),

features_to_score as (
    select features.*
    from {{ ref('int_customer_features') }} as features
    inner join persons_to_score
        on
            features.as_of_date = persons_to_score.as_of_date
            and features.customer_id = persons_to_score.customer_id
),

feature_values as (
    {{ omniscore.unpivot_feature_columns(
        'features_to_score',
        ref('int_customer_features'),
        ['as_of_date', 'customer_id'],
        exclude=['has_purchased', 'last_interaction_date_used'],
    ) }}
),

terms as (
    select
        rows_to_score.*,
        coefficients.term,
        coefficients.coefficient,
        feature_values.feature_value,
        case
            when coefficients.term = '(intercept)' then coefficients.coefficient
            else
                coefficients.coefficient * (
                    case
                        when coefficients.transform = 'log1p' then ln(1 + greatest(feature_values.feature_value, 0))
                        else feature_values.feature_value
                    end
                    - coefficients.center
                ) / coefficients.scale
        end as contribution
    from rows_to_score
    inner join coefficients on rows_to_score.model_version = coefficients.model_version
    left join feature_values
        on
            rows_to_score.as_of_date = feature_values.as_of_date
            and rows_to_score.customer_id = feature_values.customer_id
            and coefficients.term = feature_values.feature_name
),

final as (
    select
        model_name,
        model_version,
        split,
        as_of_date,
        customer_id,
        term,
        feature_value,
        coefficient,
        contribution
    from terms
)

select * from final
