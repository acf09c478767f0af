{#
    What changed for each person between the two latest as-of dates of score_history: the
    move of each score and the three components (score_explanations) whose contribution
    moved most, as readable text (`+12.5 purchase on Stores`). Persons scored on both
    dates only; empty until the history holds two dates.
#}

{%- set model_names = omniscore.scoring_models() | map(attribute='name') | list %}

with

history as (
    select * from {{ ref('score_history') }}
),

explanations as (
    select
        as_of_date,
        customer_id,
        score_name,
        component,
        contribution
    from {{ ref('score_explanations') }}
),

ranked_dates as (
    select
        as_of_date,
        row_number() over (order by as_of_date desc) as recency_rank
    from (select distinct as_of_date from history) as dates
),

latest_two as (
    select
        max(case when recency_rank = 2 then as_of_date end) as from_date,
        max(case when recency_rank = 1 then as_of_date end) as to_date
    from ranked_dates
    where recency_rank <= 2
),

pairs as (
    select
        latest_two.from_date,
        latest_two.to_date,
        earlier.customer_id,
        later.score_engagement - earlier.score_engagement as engagement_change,
        {%- for name in model_names %}
            later.score_{{ name }} - earlier.score_{{ name }} as {{ name }}_change,
        {%- endfor %}
        earlier.rfm_segment as from_rfm_segment,
        later.rfm_segment as to_rfm_segment,
        earlier.lead_matrix_cell as from_lead_matrix_cell,
        later.lead_matrix_cell as to_lead_matrix_cell
    from latest_two
    inner join history as earlier on latest_two.from_date = earlier.as_of_date
    inner join history as later
        on latest_two.to_date = later.as_of_date and earlier.customer_id = later.customer_id
),

earlier_components as (
    select explanations.*
    from explanations
    inner join latest_two on explanations.as_of_date = latest_two.from_date
),

later_components as (
    select explanations.*
    from explanations
    inner join latest_two on explanations.as_of_date = latest_two.to_date
),

component_moves as (
    select
        coalesce(earlier.customer_id, later.customer_id) as customer_id,
        coalesce(earlier.score_name, later.score_name) as score_name,
        coalesce(earlier.component, later.component) as component,
        coalesce(later.contribution, 0) - coalesce(earlier.contribution, 0) as contribution_change
    from earlier_components as earlier
    full outer join later_components as later
        on
            earlier.customer_id = later.customer_id
            and earlier.score_name = later.score_name
            and earlier.component = later.component
),

top_moves as (
    select
        customer_id,
        score_name,
        {{ omniscore.ordered_listagg(
            dbt.concat([
                "case when contribution_change >= 0 then '+' else '' end",
                dbt.cast('round(contribution_change, 2)', dbt.type_string()),
                "' '",
                'component',
            ]),
            "' | '",
            'move_rank',
        ) }} as top_component_moves
    from (
        select
            component_moves.*,
            row_number() over (
                partition by component_moves.customer_id, component_moves.score_name
                order by abs(component_moves.contribution_change) desc, component_moves.component
            ) as move_rank
        from component_moves
        where component_moves.contribution_change != 0
    ) as ranked
    where move_rank <= 3
    group by customer_id, score_name
),

final as (
    select
        pairs.*,
    {%- for score_name in ['engagement'] + model_names %}
        {{ score_name }}_moves.top_component_moves as {{ score_name }}_top_component_moves
        {{- "," if not loop.last }}
    {%- endfor %}
    from
        pairs
    {%- for score_name in ['engagement'] + model_names %}
        left join top_moves as {{ score_name }}_moves
            on
                pairs.customer_id = {{ score_name }}_moves.customer_id
                and {{ score_name }}_moves.score_name = '{{ score_name }}'
    {%- endfor %}
)

select * from final
