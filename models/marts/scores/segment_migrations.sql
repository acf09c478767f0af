{#
    How persons moved between segments from one as-of date of score_history to the next:
    per segmentation (RFM segment, engagement band, lead matrix cell, regression bands),
    pair of consecutive as-of dates, and (from, to) segment, the number of persons.
    Persons scored on only one of the two dates appear with `(not scored)` on the other
    side, so every person of either date is counted once.
#}

{%- set model_names = omniscore.scoring_models() | map(attribute='name') | list %}

with

history as (
    select * from {{ ref('score_history') }}
),

dates as (
    select distinct as_of_date from history
),

consecutive as (
    select
        as_of_date as to_date,
        lag(as_of_date) over (order by as_of_date) as from_date
    from dates
),

pairs as (
    select
        from_date,
        to_date
    from consecutive
    where from_date is not null
),

segments as (
    {%- for column in ['rfm_segment', 'engagement_band', 'lead_matrix_cell', 'funnel_stage_reached'] %}
        select
            as_of_date,
            customer_id,
            '{{ column }}' as segmentation,
            coalesce({{ column }}, '(none)') as segment
        from history
        union all
    {%- endfor %}
    {%- for name in model_names %}
        select
            as_of_date,
            customer_id,
            '{{ name }}_band' as segmentation,
            coalesce({{ name }}_band, '(none)') as segment
        from history
        {{- " union all" if not loop.last }}
    {%- endfor %}
),

earlier as (
    select
        pairs.from_date,
        pairs.to_date,
        segments.customer_id,
        segments.segmentation,
        segments.segment
    from pairs
    inner join segments on pairs.from_date = segments.as_of_date
),

later as (
    select
        pairs.from_date,
        pairs.to_date,
        segments.customer_id,
        segments.segmentation,
        segments.segment
    from pairs
    inner join segments on pairs.to_date = segments.as_of_date
),

moves as (
    select
        coalesce(earlier.from_date, later.from_date) as from_date,
        coalesce(earlier.to_date, later.to_date) as to_date,
        coalesce(earlier.segmentation, later.segmentation) as segmentation,
        coalesce(earlier.segment, '(not scored)') as from_segment,
        coalesce(later.segment, '(not scored)') as to_segment
    from earlier
    full outer join later
        on
            earlier.from_date = later.from_date
            and earlier.customer_id = later.customer_id
            and earlier.segmentation = later.segmentation
),

final as (
    select
        from_date,
        to_date,
        segmentation,
        from_segment,
        to_segment,
        count(*) as person_count
    from moves
    group by from_date, to_date, segmentation, from_segment, to_segment
)

select * from final
