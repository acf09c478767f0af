{#- One row per channel: its description (seeds/channels.csv) and its activity to date. -#}

with

channels as (
    select
        channel,
        channel_name,
        channel_group,
        identifier_types,
        description
    from {{ ref('channels') }}
),

interactions as (
    select
        channel,
        customer_id,
        occurred_at
    from {{ ref('fct_interactions') }}
),

activity as (
    select
        channel,
        count(*) as interaction_count,
        count(distinct customer_id) as customer_count,
        min(occurred_at) as first_interaction_at,
        max(occurred_at) as last_interaction_at
    from interactions
    group by channel
),

final as (
    select
        cast(channels.channel as {{ dbt.type_string() }}) as channel,
        cast(channels.channel_name as {{ dbt.type_string() }}) as channel_name,
        cast(channels.channel_group as {{ dbt.type_string() }}) as channel_group,
        cast(channels.identifier_types as {{ dbt.type_string() }}) as identifier_types,
        cast(channels.description as {{ dbt.type_string() }}) as description,
        cast(coalesce(activity.interaction_count, 0) as {{ dbt.type_bigint() }}) as interaction_count,
        cast(coalesce(activity.customer_count, 0) as {{ dbt.type_bigint() }}) as customer_count,
        cast(activity.first_interaction_at as {{ dbt.type_timestamp() }}) as first_interaction_at,
        cast(activity.last_interaction_at as {{ dbt.type_timestamp() }}) as last_interaction_at
    from channels
    left join activity on channels.channel = activity.channel
)

select * from final
