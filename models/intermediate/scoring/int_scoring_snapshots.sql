{#
    The as-of dates the scoring layer computes features for, per regression model and
    role:
      - `score`: the build's as-of date (int_scoring_dates), scored with the fitted model;
      - `holdout`: the latest as-of date whose label window is fully observed
        (as_of - window); the model is evaluated there and never fitted on it;
      - `train`: `omniscore__training_snapshots` earlier dates, `omniscore__snapshot_spacing_days`
        apart, the latest one window before the holdout date, so that no training label
        window reaches into the holdout's. Dates with less than
        `omniscore__min_feature_history_days` of data before them are dropped, and so are
        training and holdout dates whose label window is not fully observed (an
        `omniscore__score_as_of` later than the data would otherwise label unseen
        purchases as none).
    A label window of `w` days after `T` is [T, T + w).
#}

with

dates as (
    select
        as_of_date,
        data_through_date
    from {{ ref('int_scoring_dates') }}
),

data_start as (
    select min(occurred_date) as first_data_date from {{ ref('int_interactions_daily') }}
),

candidates as (
    {%- for model in omniscore.scoring_models() %}
        {%- set window = model.window_days %}
        select
            '{{ model.name }}' as model_name,
            'score' as split,
            as_of_date,
            {{ window }} as window_days
        from dates
        union all
        select
            '{{ model.name }}' as model_name,
            'holdout' as split,
            cast({{ dbt.dateadd('day', -window, 'as_of_date') }} as date) as as_of_date,
            {{ window }} as window_days
        from dates
        {%- for k in range(var('omniscore__training_snapshots') | int) %}
            union all
            select
                '{{ model.name }}' as model_name,
                'train' as split,
                cast({{ dbt.dateadd(
                    'day', -(2 * window + k * (var('omniscore__snapshot_spacing_days') | int)), 'as_of_date'
                ) }} as date) as as_of_date,
                {{ window }} as window_days
            from dates
        {%- endfor %}
        {{- " union all" if not loop.last }}
    {%- endfor %}
),

final as (
    select
        candidates.model_name,
        candidates.split,
        candidates.as_of_date,
        candidates.window_days,
        cast({{ dbt.dateadd('day', 'candidates.window_days', 'candidates.as_of_date') }} as date)
            as label_window_end_date
    from candidates
    cross join data_start
    cross join dates
    where
        candidates.split = 'score'
        or (
            {#- a label window must be fully observed: it ends by the day after the latest data #}
            cast({{ dbt.dateadd('day', 'candidates.window_days', 'candidates.as_of_date') }} as date)
            <= cast({{ dbt.dateadd('day', 1, 'dates.data_through_date') }} as date)
            and candidates.as_of_date >= cast(
                {{ dbt.dateadd('day', var('omniscore__min_feature_history_days') | int, 'data_start.first_data_date') }}
                as date
            )
        )
)

select * from final
