-- What suite marts.customer_scores validates, aggregated in DuckDB (the mart has a row per
-- person: 1M+). The first row, `all persons`, holds the table's ranges, rates and counts of
-- inconsistent rows; then one row per distinct value of each banded or segment column,
-- with only that column filled (the others null, which value-set expectations skip) and
-- its share among the persons who have one. The first column is the row's key.
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

values_by_column as (
    select 'engagement_band' as segmentation, engagement_band as segment, count(*) as persons
    from scores where engagement_band is not null group by all
    union all
    select 'engagement_level', engagement_level, count(*)
    from scores where engagement_level is not null group by all
    union all
    select 'fit_grade', fit_grade, count(*)
    from scores where fit_grade is not null group by all
    union all
    select 'rfm_segment', rfm_segment, count(*)
    from scores where rfm_segment is not null group by all
    union all
    select 'funnel_stage_reached', funnel_stage_reached, count(*)
    from scores where funnel_stage_reached is not null group by all
    union all
    select 'propensity_band', propensity_band, count(*)
    from scores where propensity_band is not null group by all
    union all
    select 'churn_risk_band', churn_risk_band, count(*)
    from scores where churn_risk_band is not null group by all
    union all
    select 'most_responsive_channel', most_responsive_channel, count(*)
    from scores where most_responsive_channel is not null group by all
),

shares as (
    select
        segmentation,
        segment,
        persons::double / sum(persons) over (partition by segmentation) as share
    from values_by_column
)

select * from overall
union all by name
select
    segmentation || ' = ' || segment as row_key,
    case when segmentation = 'engagement_band' then segment end as engagement_band,
    case when segmentation = 'engagement_band' then share end as engagement_band__share,
    case when segmentation = 'engagement_level' then segment end as engagement_level,
    case when segmentation = 'engagement_level' then share end as engagement_level__share,
    case when segmentation = 'fit_grade' then segment end as fit_grade,
    case when segmentation = 'fit_grade' then share end as fit_grade__share,
    case when segmentation = 'rfm_segment' then segment end as rfm_segment,
    case when segmentation = 'rfm_segment' then share end as rfm_segment__share,
    case when segmentation = 'funnel_stage_reached' then segment end as funnel_stage_reached,
    case when segmentation = 'funnel_stage_reached' then share end as funnel_stage_reached__share,
    case when segmentation = 'propensity_band' then segment end as propensity_band,
    case when segmentation = 'propensity_band' then share end as propensity_band__share,
    case when segmentation = 'churn_risk_band' then segment end as churn_risk_band,
    case when segmentation = 'churn_risk_band' then share end as churn_risk_band__share,
    case when segmentation = 'most_responsive_channel' then segment end as most_responsive_channel,
    case when segmentation = 'most_responsive_channel' then share end as most_responsive_channel__share
from shares
order by row_key
