{#
    The one date every score is computed as of: `omniscore__score_as_of` when set, else the
    day after the latest interaction (so "as of" includes the whole latest day). Features see
    only what happened strictly before it; labels of training snapshots come from the
    windows after their own as-of dates (int_scoring_snapshots).
#}

with

interactions as (
    select occurred_date from {{ ref('fct_interactions') }}
),

latest as (
    select max(occurred_date) as data_through_date from interactions
),

final as (
    select
        {%- if var('omniscore__score_as_of') %}
            cast('{{ var("omniscore__score_as_of") }}' as date) as as_of_date,
        {%- else %}
            cast({{ dbt.dateadd('day', 1, 'data_through_date') }} as date) as as_of_date,
        {%- endif %}
        data_through_date
    from latest
)

select * from final
