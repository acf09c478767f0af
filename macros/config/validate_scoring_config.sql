{#
    Checks the scoring configuration at run start, before anything is built: the scoring
    vars, and the scoring seeds as they are on disk (seeds/*.csv, the files `dbt seed` is
    about to load, not the tables an earlier run loaded). Raises one compiler error listing
    every problem with the file, the row's values and what was expected: an unknown
    interaction type, a negative half-life, overlapping or gapped bands, an RFM grid cell
    missing or doubled, an unknown criterion, transform or model.
    Renders `select 1`, so it can be an on-run-start hook.
#}
{% macro validate_scoring_config() %}
    {%- set problems = [] -%}

    {%- for name, minimum, kind in [
        ('omniscore__engagement_half_life_days', 0, 'number'),
        ('omniscore__engagement_window_days', 0, 'integer'),
        ('omniscore__engagement_half_score_points', 0, 'number'),
        ('omniscore__propensity_window_days', 0, 'integer'),
        ('omniscore__churn_window_days', 0, 'integer'),
        ('omniscore__snapshot_spacing_days', 0, 'integer'),
        ('omniscore__training_snapshots', 0, 'integer'),
        ('omniscore__regularization_c', 0, 'number'),
        ('omniscore__max_training_rows', 0, 'integer'),
        ('omniscore__max_evaluated_training_rows', 0, 'integer'),
    ] -%}
        {%- set value = var(name) -%}
        {%- if value is boolean or value is not number or value <= minimum
            or (kind == 'integer' and value != value | int) -%}
            {%- do problems.append(name ~ "=" ~ value ~ " is not a" ~ ("n integer" if kind == 'integer' else " number") ~ " > " ~ minimum) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for name in ['omniscore__min_feature_history_days', 'omniscore__min_history_days', 'omniscore__min_class_rows'] -%}
        {%- set value = var(name) -%}
        {%- if value is boolean or value is not number or value < 0 or value != value | int -%}
            {%- do problems.append(name ~ "=" ~ value ~ " is not an integer >= 0") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set threshold = var('omniscore__mql_engagement_threshold') -%}
    {%- if threshold is boolean or threshold is not number or threshold < 0 or threshold > 100 -%}
        {%- do problems.append("omniscore__mql_engagement_threshold=" ~ threshold ~ " is not a score from 0 to 100") -%}
    {%- endif -%}

    {%- if execute -%}
        {%- set query = omniscore.scoring_config_problems_query(var('omniscore__mql_min_fit_grade') | string) -%}
        {%- for row in run_query(query) -%}
            {%- do problems.append(row[0]) -%}
        {%- endfor -%}
    {%- endif -%}

    {%- if problems -%}
        {{ exceptions.raise_compiler_error("Invalid scoring configuration:\n  - " ~ problems | join("\n  - ")) }}
    {%- endif -%}
    select 1
{% endmacro %}


{#
    One query returning a `problem` text per broken rule of the scoring seeds. DuckDB reads
    the seed files themselves (every column as text); the default implementation, for
    targets that cannot read a CSV in SQL, checks the loaded seed tables instead.
#}
{% macro scoring_config_problems_query(mql_min_fit_grade) %}
    {{ return(adapter.dispatch('scoring_config_problems_query', 'omniscore')(mql_min_fit_grade)) }}
{% endmacro %}

{% macro duckdb__scoring_config_problems_query(mql_min_fit_grade) %}
    {%- set seeds = (flags.PROJECT_DIR or '.') ~ '/seeds/' -%}
    {%- set tables = {} -%}
    {%- for name in [
        'interaction_taxonomy', 'engagement_points', 'engagement_daily_caps', 'score_bands',
        'rfm_segments', 'fit_criteria', 'funnel_stages', 'score_features', 'served_markets',
    ] -%}
        {%- do tables.update({name: "read_csv('" ~ seeds ~ name ~ ".csv', header = true, all_varchar = true)"}) -%}
    {%- endfor -%}
    {{ return(omniscore.scoring_config_problems_sql(tables, mql_min_fit_grade)) }}
{% endmacro %}

{% macro default__scoring_config_problems_query(mql_min_fit_grade) %}
    {%- set tables = {} -%}
    {%- for name in [
        'interaction_taxonomy', 'engagement_points', 'engagement_daily_caps', 'score_bands',
        'rfm_segments', 'fit_criteria', 'funnel_stages', 'score_features', 'served_markets',
    ] -%}
        {%- set relation = adapter.get_relation(target.database, 'config', name) -%}
        {%- if relation is none -%}
            {{ return("select 'seed " ~ name ~ " is not loaded: run dbt seed' as problem") }}
        {%- endif -%}
        {%- do tables.update({name: "(select * from " ~ relation ~ ")"}) -%}
    {%- endfor -%}
    {{ return(omniscore.scoring_config_problems_sql(tables, mql_min_fit_grade)) }}
{% endmacro %}


{#- The rules, over `tables` (seed name -> a relation or table function of text columns). #}
{% macro scoring_config_problems_sql(tables, mql_min_fit_grade) %}
    {%- set number = "try_cast(%s as double)" -%}
    with
    taxonomy as (select * from {{ tables.interaction_taxonomy }}),
    points as (select * from {{ tables.engagement_points }}),
    caps as (select * from {{ tables.engagement_daily_caps }}),
    bands as (
        select
            score_name,
            band,
            band_order,
            lower_bound,
            upper_bound,
            try_cast(lower_bound as double) as lower_value,
            try_cast(upper_bound as double) as upper_value
        from {{ tables.score_bands }}
    ),
    ordered_bands as (
        select
            bands.*,
            lag(band) over (partition by score_name order by lower_value, upper_value) as previous_band,
            lag(upper_value) over (partition by score_name order by lower_value, upper_value) as previous_upper
        from bands
    ),
    rfm as (select * from {{ tables.rfm_segments }}),
    criteria as (select * from {{ tables.fit_criteria }}),
    stages as (select * from {{ tables.funnel_stages }}),
    features as (select * from {{ tables.score_features }}),
    markets as (select * from {{ tables.served_markets }}),
    grid as (
        select cast(r.range as varchar) as recency_score, cast(fm.range as varchar) as fm_score
        from range(1, 6) as r cross join range(1, 6) as fm
    ),
    problems as (
        select 'seeds/engagement_points.csv: channel ' || coalesce(points.channel, '(empty)')
            || ', interaction type ' || coalesce(points.interaction_type, '(empty)')
            || ' is not in seeds/interaction_taxonomy.csv' as problem
        from points
        where not exists (
            select 1 from taxonomy
            where taxonomy.channel = points.channel and taxonomy.interaction_type = points.interaction_type
        )
        union all
        select 'seeds/engagement_points.csv: points ' || coalesce(points.points, '(empty)')
            || ' of ' || points.channel || ' ' || points.interaction_type || ' is not a number'
        from points where try_cast(points.points as double) is null
        union all
        select 'seeds/engagement_daily_caps.csv: interaction type ' || coalesce(caps.interaction_type, '(empty)')
            || ' is not in seeds/interaction_taxonomy.csv'
        from caps
        where caps.interaction_type not in (select interaction_type from taxonomy) or caps.interaction_type is null
        union all
        select 'seeds/engagement_daily_caps.csv: max_points_per_day ' || coalesce(caps.max_points_per_day, '(empty)')
            || ' of ' || caps.interaction_type || ' is not a number > 0'
        from caps where coalesce(try_cast(caps.max_points_per_day as double), 0) <= 0
        union all
        select 'seeds/score_bands.csv: score ' || coalesce(score_name, '(empty)')
            || ' is not one of engagement, engagement_level, fit_grade, propensity, churn_risk'
        from bands
        where coalesce(score_name, '') not in ('engagement', 'engagement_level', 'fit_grade', 'propensity', 'churn_risk')
        union all
        select 'seeds/score_bands.csv: band ' || coalesce(band, '(empty)') || ' of ' || score_name
            || ' has bounds [' || coalesce(lower_bound, '') || ', ' || coalesce(upper_bound, '')
            || ') that are not numbers with lower < upper'
        from bands
        where lower_value is null or upper_value is null or lower_value >= upper_value or band is null
        union all
        select 'seeds/score_bands.csv: band ' || band || ' of ' || score_name || ' [' || lower_bound || ', '
            || upper_bound || ') ' || case when lower_value < previous_upper then 'overlaps' else 'leaves a gap after' end
            || ' band ' || previous_band || ' (up to ' || cast(previous_upper as varchar) || ')'
        from ordered_bands
        where previous_upper is not null and lower_value != previous_upper
        union all
        select 'seeds/score_bands.csv: the bands of ' || score_name || ' cover ['
            || cast(min(lower_value) as varchar) || ', ' || cast(max(upper_value) as varchar)
            || '), not all of the score''s range [0, '
            || case when score_name in ('propensity', 'churn_risk') then '1]' else '100]' end
        from bands
        where score_name in ('engagement', 'engagement_level', 'fit_grade', 'propensity', 'churn_risk')
        group by score_name
        having
            min(lower_value) > 0
            or max(upper_value) <= case when score_name in ('propensity', 'churn_risk') then 1 else 100 end
        union all
        select 'seeds/score_bands.csv: omniscore__mql_min_fit_grade={{ mql_min_fit_grade }} is not a fit_grade band'
        where not exists (
            select 1 from bands where score_name = 'fit_grade' and band = '{{ mql_min_fit_grade | replace("'", "''") }}'
        )
        union all
        select 'seeds/rfm_segments.csv: recency ' || grid.recency_score || ' x frequency-monetary '
            || grid.fm_score || ' has ' || cast(count(rfm.segment) as varchar) || ' segments (needs exactly 1)'
        from grid
        left join rfm
            on grid.recency_score = trim(rfm.recency_score) and grid.fm_score = trim(rfm.frequency_monetary_score)
        group by grid.recency_score, grid.fm_score
        having count(rfm.segment) != 1
        union all
        select 'seeds/rfm_segments.csv: recency ' || coalesce(recency_score, '(empty)') || ' x frequency-monetary '
            || coalesce(frequency_monetary_score, '(empty)') || ' is outside the 1-5 grid'
        from rfm
        where not exists (
            select 1 from grid
            where grid.recency_score = trim(rfm.recency_score) and grid.fm_score = trim(rfm.frequency_monetary_score)
        )
        union all
        select 'seeds/fit_criteria.csv: criterion ' || coalesce(criterion, '(empty)')
            || ' is not one of profile_completeness, marketing_consent, served_market, value_potential'
        from criteria
        where coalesce(criterion, '') not in ('profile_completeness', 'marketing_consent', 'served_market', 'value_potential')
        union all
        select 'seeds/fit_criteria.csv: points ' || coalesce(points, '(empty)') || ' of ' || criterion
            || ' is not a number >= 0'
        from criteria where coalesce(try_cast(points as double), -1) < 0
        union all
        select 'seeds/funnel_stages.csv: funnel stage ' || taxonomy_stages.funnel_stage
            || ' of seeds/interaction_taxonomy.csv has no stage_order'
        from (select distinct funnel_stage from taxonomy where funnel_stage is not null) as taxonomy_stages
        where taxonomy_stages.funnel_stage not in (select funnel_stage from stages where funnel_stage is not null)
        union all
        select 'seeds/funnel_stages.csv: stage ' || coalesce(funnel_stage, '(empty)') || ' has stage_order '
            || coalesce(stage_order, '(empty)') || ' (needs a whole number used once) or requires_purchase '
            || coalesce(requires_purchase, '(empty)') || ' (needs true or false)'
        from stages
        where
            try_cast(stage_order as integer) is null
            or lower(coalesce(requires_purchase, '')) not in ('true', 'false')
            or stage_order in (select stage_order from stages group by stage_order having count(*) > 1)
        union all
        select 'seeds/score_features.csv: feature ' || coalesce(feature_name, '(empty)') || ' has transform '
            || coalesce(transform, '(empty)') || ' (needs none or log1p) or value_format '
            || coalesce(value_format, '(empty)') || ' (needs integer, percent, money or decimal)'
        from features
        where
            coalesce(transform, '') not in ('none', 'log1p')
            or coalesce(value_format, '') not in ('integer', 'percent', 'money', 'decimal')
        union all
        select 'seeds/score_features.csv: feature ' || feature_name || ' names unknown model(s) in used_by_models: '
            || coalesce(used_by_models, '(empty)')
        from features
        where exists (
            select 1 from (select unnest(string_split(coalesce(used_by_models, ''), ';')) as model_name) as used
            where used.model_name != '' and used.model_name not in (
                {%- for model in omniscore.scoring_models() %}'{{ model.name }}'{{ ", " if not loop.last }}{% endfor -%}
            )
        )
        union all
        select 'seeds/score_features.csv: feature ' || feature_name || ' is listed more than once'
        from features group by feature_name having count(*) > 1
        union all
        select 'seeds/served_markets.csv: ' || coalesce(country_code, '(empty)') || ' is not a two-letter country code'
        from markets where not regexp_full_match(coalesce(country_code, ''), '[A-Z]{2}')
    )
    select problem from problems
{% endmacro %}
