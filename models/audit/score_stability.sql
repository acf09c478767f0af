{#
    Score drift between consecutive as-of dates of score_history: the population stability
    index (PSI) of each score's distribution on a date (actual) against the date before it
    (expected), PSI = sum over bins of (a - e) * ln(a / e) with a and e the bin's shares of
    the persons scored that date. The bins are tenths of the score's scale ([0, 10), [10,
    20), ... [90, 100] for engagement and fit points; [0, 0.1), ... [0.9, 1] for the
    probabilities), the moves a person acting on the scores sees. (Deciles of the earlier
    date were tried first: on the demo data half the persons have a propensity near 0.0007,
    and a retrained model moving them to 0.0006 read as a 0.52 shift.) A bin empty on one
    side counts as a share of 0.0001 (ln 0 is undefined). A score nobody has on the earlier
    date has no row; one nobody has on the later date is a shift.
    Conventional reading (scoring reference): up to `omniscore__psi_warn` (0.1) stable, up
    to `omniscore__psi_error` (0.25) worth a look, above a shift. BI charts every pair; the
    GX suite audit.score_stability judges the latest one.
#}

with

history as (
    select
        as_of_date,
        score_engagement,
        fit_points,
        score_propensity,
        score_churn_risk
    from {{ ref('score_history') }}
),

scores as (
    {%- for score_name, column, scale in [
        ('engagement', 'score_engagement', 100),
        ('fit_points', 'fit_points', 100),
        ('propensity', 'score_propensity', 1),
        ('churn_risk', 'score_churn_risk', 1),
    ] %}
        {% if not loop.first %}union all{% endif %}
        select
            as_of_date,
            '{{ score_name }}' as score_name,
            {#- Tenth of the scale, 1-10; the scale's top value is in the top bin. #}
            least(greatest(floor(cast({{ column }} as double) * 10 / {{ scale }}), 0), 9) + 1
                as bin_number
        from history
        where {{ column }} is not null
    {%- endfor %}
),

bin_counts as (
    select
        as_of_date,
        score_name,
        bin_number,
        count(*) as persons
    from scores
    group by as_of_date, score_name, bin_number
),

as_of_dates as (
    select distinct as_of_date from history
),

date_pairs as (
    select
        as_of_date as to_date,
        lag(as_of_date) over (order by as_of_date) as from_date
    from as_of_dates
),

pair_bins as (
    {#- Every bin with persons on either date of a pair, for each score of its earlier date. #}
    select distinct
        date_pairs.from_date,
        date_pairs.to_date,
        bin_counts.score_name,
        bin_counts.bin_number
    from date_pairs
    inner join bin_counts
        on bin_counts.as_of_date in (date_pairs.from_date, date_pairs.to_date)
    where
        date_pairs.from_date is not null
        and bin_counts.score_name in (
            select expected_scores.score_name
            from bin_counts as expected_scores
            where expected_scores.as_of_date = date_pairs.from_date
        )
),

pair_counts as (
    select
        pair_bins.from_date,
        pair_bins.to_date,
        pair_bins.score_name,
        pair_bins.bin_number,
        coalesce(expected.persons, 0) as expected_count,
        coalesce(actual.persons, 0) as actual_count
    from pair_bins
    left join bin_counts as expected
        on
            pair_bins.from_date = expected.as_of_date
            and pair_bins.score_name = expected.score_name
            and pair_bins.bin_number = expected.bin_number
    left join bin_counts as actual
        on
            pair_bins.to_date = actual.as_of_date
            and pair_bins.score_name = actual.score_name
            and pair_bins.bin_number = actual.bin_number
),

bin_shares as (
    select
        from_date,
        to_date,
        score_name,
        bin_number,
        sum(expected_count) over (partition by from_date, to_date, score_name)
            as expected_rows,
        sum(actual_count) over (partition by from_date, to_date, score_name) as actual_rows,
        greatest(
            expected_count * 1.0
            / sum(expected_count) over (partition by from_date, to_date, score_name),
            0.0001
        ) as expected_share,
        greatest(
            coalesce(
                actual_count * 1.0
                / nullif(sum(actual_count) over (partition by from_date, to_date, score_name), 0),
                0
            ),
            0.0001
        ) as actual_share
    from pair_counts
),

indices as (
    select
        score_name,
        from_date,
        to_date,
        count(*) as bin_count,
        max(expected_rows) as expected_rows,
        max(actual_rows) as actual_rows,
        sum((actual_share - expected_share) * ln(actual_share / expected_share)) as psi
    from bin_shares
    group by score_name, from_date, to_date
),

final as (
    select
        -- keys
        score_name,
        to_date,
        -- attributes
        from_date,
        bin_count,
        expected_rows,
        actual_rows,
        -- measures
        round(psi, 6) as psi,
        cast({{ var('omniscore__psi_warn') }} as double) as psi_warn_threshold,
        cast({{ var('omniscore__psi_error') }} as double) as psi_error_threshold,
        case
            when psi > {{ var('omniscore__psi_error') }} then 'shift'
            when psi > {{ var('omniscore__psi_warn') }} then 'worth a look'
            else 'stable'
        end as stability
    from indices
)

select * from final
