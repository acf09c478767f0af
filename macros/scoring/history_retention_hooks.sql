{#
    Post-hooks of the score history tables (keyed by as-of date and customer_id): keep
    every row about a person who still exists, and nothing about one who does not.
      1. A customer_id that was only re-anchored (audit.identity_merges `reassign`: the
         same person under a new id; the latest such move) is re-pointed to the new id.
      2. Rows whose customer_id is not in dim_customers are deleted: erased persons (every
         id of theirs, since dim_customers holds no erased person) and persons merged into
         or split from others, whose past scores belong to no one person now.
    The models using them name identity_merges and dim_customers in a depends_on comment,
    so both are built first.
#}
{% macro history_retention_hooks() %}
    {{ return([
        "update {{ this }} as history
        set customer_id = moves.customer_id
        from (
            select previous_customer_id, max_by(customer_id, run_started_at) as customer_id
            from {{ ref('identity_merges') }}
            where change_type = 'reassign'
            group by previous_customer_id
        ) as moves
        where history.customer_id = moves.previous_customer_id
        and history.customer_id not in (select customer_id from {{ ref('dim_customers') }})",
        "delete from {{ this }} where customer_id not in (select customer_id from {{ ref('dim_customers') }})",
    ]) }}
{% endmacro %}

{#
    Post-hook of score_explanations: every component of every person is kept for the two
    latest as-of dates (score_changes compares them); before those, only the
    `omniscore__explanation_history_components` top-ranked components per person and score
    (by default 3, as many as customer_scores shows). Without it the table grows by one row per person,
    score and component (about 45) on every as-of date.
#}
{% macro trim_explanation_history() %}
    {{ return(
        "delete from {{ this }}
        where component_rank > " ~ var('omniscore__explanation_history_components') ~ "
        and as_of_date < (
            select min(as_of_date) from (
                select distinct as_of_date from {{ this }} order by as_of_date desc limit 2
            ) as latest_dates
        )"
    ) }}
{% endmacro %}
