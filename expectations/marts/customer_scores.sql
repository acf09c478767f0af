-- What suite marts.customer_scores validates, aggregated in DuckDB (the mart has a row per
-- person: 1M+). The first row, `all persons`, holds the table's ranges, rates and counts of
-- inconsistent rows; then one row per distinct value of each banded or segment column,
-- with only that column filled (the others null, which value-set expectations skip) and
-- its share among the persons who have one. The first column is the row's key.
-- The banded columns are listed once, in `banded`: one scan counts the values of all of
-- them (a histogram each), one pivot spreads the shares into a `<column>` /
-- `<column>__share` pair each.
with scores as (
    select * from marts.customer_scores
),

overall as (
    select
        'all persons' as row_key,
        count(*) as table__row_count,
        avg(is_scoreable::int) as is_scoreable__rate,
        min(score_engagement) as score_engagement__min,
        max(score_engagement) as score_engagement__max,
        least(
            min(score_engagement_web), min(score_engagement_app), min(score_engagement_email),
            min(score_engagement_pos), min(score_engagement_support), min(score_engagement_social)
        ) as score_engagement_channels__min,
        greatest(
            max(score_engagement_web), max(score_engagement_app), max(score_engagement_email),
            max(score_engagement_pos), max(score_engagement_support), max(score_engagement_social)
        ) as score_engagement_channels__max,
        min(fit_points) as fit_points__min,
        max(fit_points) as fit_points__max,
        least(min(rfm_recency_score), min(rfm_frequency_score), min(rfm_monetary_score))
            as rfm_scores__min,
        greatest(max(rfm_recency_score), max(rfm_frequency_score), max(rfm_monetary_score))
            as rfm_scores__max,
        min(score_propensity) as score_propensity__min,
        max(score_propensity) as score_propensity__max,
        min(score_churn_risk) as score_churn_risk__min,
        max(score_churn_risk) as score_churn_risk__max,
        coalesce(avg((score_engagement is null)::int) filter (where is_scoreable), 0)
            as score_engagement__null_rate_scoreable,
        coalesce(avg((score_propensity is not null)::int) filter (where is_scoreable), 1)
            as score_propensity__scored_rate,
        count(*) filter (where is_scoreable and lead_matrix_cell <> fit_grade || engagement_level)
            as lead_matrix_cell__inconsistent,
        count(*) filter (where is_mql and not is_prospect) as is_mql__not_prospect,
        count(*) filter (
            where is_scoreable and not is_prospect and rfm_recency_score is null
        ) as rfm_recency_score__buyer_unscored,
        count(*) filter (where not is_scoreable and score_engagement is not null)
            as score_engagement__scored_not_scoreable
    from scores
),

banded as (
    select
        engagement_band,
        engagement_level,
        fit_grade,
        rfm_segment,
        funnel_stage_reached,
        propensity_band,
        churn_risk_band,
        most_responsive_channel
    from scores
),

-- One row, one map per column: value -> persons (nulls not counted; the map is null when
-- no one has a value, e.g. no propensity model yet, or the table is empty) ...
histograms as (
    select histogram(columns(*)) from banded
),

-- ... turned into a row per column (`include nulls` keeps the columns no one has a value
-- of, so that their pair of columns still exists for the expectations to read) ...
by_column as (
    select *
    from histograms
    unpivot include nulls (persons_by_value for segmentation in (columns(*)))
),

-- ... and a row per value with its share among the persons who have one.
shares as (
    select
        by_column.segmentation,
        entries.segment,
        by_column.segmentation || ' = ' || entries.segment as row_key,
        entries.persons / list_sum(map_values(by_column.persons_by_value)) as share
    from by_column
    left join lateral (
        select
            unnest(map_keys(by_column.persons_by_value)) as segment,
            unnest(map_values(by_column.persons_by_value)) as persons
    ) as entries on true
),

spread as (
    pivot shares
    on segmentation
    using any_value(segment) as segment_value, any_value(share) as segment_share
    group by row_key
)

select * from overall
union all by name
select
    row_key,
    columns('^(.*)_segment_value$') as '\1',
    columns('^(.*)_segment_share$') as '\1__share'
from spread
where row_key is not null
order by row_key
