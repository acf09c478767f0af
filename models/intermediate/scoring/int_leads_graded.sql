{#
    Lead grade x score, the fit / engagement matrix of B2C lead scoring, as of the scoring
    date:
      - fit points 0-100 from who the person is, seeds/fit_criteria.csv's points for:
        profile_completeness (times the share of name, email, phone, city, birth date
        known), marketing_consent, served_market (country in seeds/served_markets.csv),
        value_potential (the person's country brought more net revenue per buyer in the
        365 days before the as-of date than all countries together);
      - fit grade A-D and engagement level 1-4 (1 = most engaged) from seeds/score_bands.csv
        (`fit_grade` over the fit points, `engagement_level` over the engagement score);
      - `lead_matrix_cell` = grade || level (A1 best ... D4);
      - temperature cold / warm / hot (`engagement` bands);
      - MQL: a prospect (no purchase before the as-of date) whose engagement score is at
        least `omniscore__mql_engagement_threshold` and whose fit grade is
        `omniscore__mql_min_fit_grade` or better.
#}

with

customers as (
    select
        customer_id,
        country_code
    from {{ ref('dim_customers') }}
),

features as (
    select
        customer_id,
        profile_completeness,
        is_marketing_consented,
        has_purchased,
        net_revenue_365d
    from {{ ref('int_customer_features') }}
    where as_of_date = (select scoring_dates.as_of_date from {{ ref('int_scoring_dates') }} as scoring_dates)
),

engagement as (
    select
        customer_id,
        score_engagement
    from {{ ref('int_engagement_scored') }}
),

criteria as (
    select
        criterion,
        points
    from {{ ref('fit_criteria') }}
),

served_markets as (
    select country_code from {{ ref('served_markets') }}
),

bands as (
    select
        score_name,
        band,
        band_order,
        lower_bound,
        upper_bound
    from {{ ref('score_bands') }}
),

profiles as (
    select
        features.customer_id,
        customers.country_code,
        features.profile_completeness,
        features.is_marketing_consented,
        features.has_purchased,
        features.net_revenue_365d,
        coalesce(engagement.score_engagement, 0) as score_engagement
    from features
    inner join customers on features.customer_id = customers.customer_id
    left join engagement on features.customer_id = engagement.customer_id
),

market_values as (
    select
        country_code,
        avg(net_revenue_365d) as revenue_per_buyer
    from profiles
    where net_revenue_365d > 0
    group by country_code
),

overall_value as (
    select avg(net_revenue_365d) as revenue_per_buyer
    from profiles
    where net_revenue_365d > 0
),

fit as (
    select
        profiles.*,
        {%- set points = "(select criteria.points from criteria where criteria.criterion = '%s')" %}
        {#- A criterion missing from the seed earns nothing; the others still count. #}
        coalesce({{ points | format('profile_completeness') }} * profiles.profile_completeness, 0)
        + coalesce({{ points | format('marketing_consent') }} * profiles.is_marketing_consented, 0)
        + case
            when served_markets.country_code is not null then coalesce({{ points | format('served_market') }}, 0)
            else 0
        end
        + case
            when market_values.revenue_per_buyer > overall_value.revenue_per_buyer
                then coalesce({{ points | format('value_potential') }}, 0)
            else 0
        end as fit_points
    from profiles
    cross join overall_value
    left join served_markets on profiles.country_code = served_markets.country_code
    left join market_values on profiles.country_code = market_values.country_code
),

graded as (
    select
        fit.*,
        grades.band as fit_grade,
        grades.band_order as fit_grade_order,
        levels.band as engagement_level,
        temperatures.band as engagement_temperature
    from fit
    left join bands as grades
        on
            grades.score_name = 'fit_grade'
            and fit.fit_points >= grades.lower_bound
            and fit.fit_points < grades.upper_bound
    left join bands as levels
        on
            levels.score_name = 'engagement_level'
            and fit.score_engagement >= levels.lower_bound
            and fit.score_engagement < levels.upper_bound
    left join bands as temperatures
        on
            temperatures.score_name = 'engagement'
            and fit.score_engagement >= temperatures.lower_bound
            and fit.score_engagement < temperatures.upper_bound
),

mql_grade as (
    select band_order as min_grade_order
    from bands
    where score_name = 'fit_grade' and band = '{{ var("omniscore__mql_min_fit_grade") }}'
),

final as (
    select
        graded.customer_id,
        round(graded.fit_points, 1) as fit_points,
        graded.fit_grade,
        graded.engagement_level,
        {{ dbt.concat(['graded.fit_grade', 'graded.engagement_level']) }} as lead_matrix_cell,
        graded.engagement_temperature,
        not graded.has_purchased as is_prospect,
        (
            not graded.has_purchased
            and graded.score_engagement >= {{ var('omniscore__mql_engagement_threshold') }}
            and graded.fit_grade_order >= mql_grade.min_grade_order
        ) as is_mql
    from graded
    cross join mql_grade
)

select * from final
