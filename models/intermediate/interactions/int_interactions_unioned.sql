{#
    Every staged interaction of every channel in one shape, with the identifiers that
    attribute it to a person (in order of preference) and its place in the taxonomy.
    A view: fct_interactions reads only the slice an incremental run needs.
#}

{{ config(materialized='view') }}

with

taxonomy as (
    select
        channel,
        raw_event_name,
        interaction_type,
        funnel_stage
    from {{ ref('interaction_taxonomy') }}
),

web_events as (
    select
        event_id,
        occurred_at,
        event_name,
        cookie_id,
        contact_id,
        revenue,
        source_file,
        source_line
    from {{ ref('stg_web__events') }}
),

app_events as (
    select
        event_id,
        occurred_at,
        event_name,
        device_id,
        contact_id,
        revenue,
        source_file,
        source_line
    from {{ ref('stg_app__events') }}
),

email_activities as (
    select
        activity_id,
        occurred_at,
        action,
        email,
        source_file,
        source_line
    from {{ ref('stg_email__activities') }}
),

pos_transactions as (
    select
        transaction_line_id,
        receipt_id,
        occurred_at,
        is_return,
        loyalty_card_id,
        amount,
        source_file,
        source_line
    from {{ ref('stg_pos__transactions') }}
),

support_tickets as (
    select
        ticket_id,
        created_at,
        solved_at,
        email,
        phone,
        source_file,
        source_line
    from {{ ref('stg_support__tickets') }}
),

social_interactions as (
    select
        interaction_id,
        occurred_at,
        interaction_type,
        handle,
        source_file,
        source_line
    from {{ ref('stg_social__interactions') }}
),

unioned as (
    select
        'web:' || event_id as natural_key,
        'web' as channel,
        event_name as raw_event_name,
        occurred_at,
        case when event_name = 'purchase' then event_id end as order_id,
        revenue,
        {{ omniscore.identifier_node_key("'contact_id'", 'contact_id') }} as preferred_node_key,
        {{ omniscore.identifier_node_key("'cookie'", 'cookie_id') }} as fallback_node_key,
        source_file,
        source_line
    from web_events

    union all

    select
        'app:' || event_id as natural_key,
        'app' as channel,
        event_name as raw_event_name,
        occurred_at,
        case when event_name = 'purchase' then event_id end as order_id,
        revenue,
        {{ omniscore.identifier_node_key("'contact_id'", 'contact_id') }} as preferred_node_key,
        {{ omniscore.identifier_node_key("'device'", 'device_id') }} as fallback_node_key,
        source_file,
        source_line
    from app_events

    union all

    select
        'email:' || activity_id as natural_key,
        'email' as channel,
        action as raw_event_name,
        occurred_at,
        cast(null as {{ dbt.type_string() }}) as order_id,
        cast(null as decimal(18, 2)) as revenue,
        {{ omniscore.identifier_node_key("'email'", 'email') }} as preferred_node_key,
        cast(null as {{ dbt.type_string() }}) as fallback_node_key,
        source_file,
        source_line
    from email_activities

    union all

    select
        'pos:' || transaction_line_id as natural_key,
        'pos' as channel,
        case when is_return then 'return' else 'sale' end as raw_event_name,
        occurred_at,
        receipt_id as order_id,
        amount as revenue,
        {{ omniscore.identifier_node_key("'loyalty_card'", 'loyalty_card_id') }} as preferred_node_key,
        cast(null as {{ dbt.type_string() }}) as fallback_node_key,
        source_file,
        source_line
    from pos_transactions

    union all

    {#- A ticket yields `ticket_created` and, once solved, `ticket_solved` (one list, which
        base_support__tickets checks against the taxonomy). A reopened ticket's latest
        version has no solved_at, so its `solved` interaction leaves this view. #}
    {%- for event in omniscore.support_ticket_events() %}
        select
            'support:' || ticket_id || ':{{ event.key_suffix }}' as natural_key,
            'support' as channel,
            '{{ event.raw_event_name }}' as raw_event_name,
            {{ event.occurred_at }} as occurred_at,
            cast(null as {{ dbt.type_string() }}) as order_id,
            cast(null as decimal(18, 2)) as revenue,
            {{ omniscore.identifier_node_key("'email'", 'email') }} as preferred_node_key,
            {{ omniscore.identifier_node_key("'phone'", 'phone') }} as fallback_node_key,
            source_file,
            source_line
        from support_tickets
        where {{ event.occurred_at }} is not null

        union all
    {% endfor %}

    select
        'social:' || interaction_id as natural_key,
        'social' as channel,
        interaction_type as raw_event_name,
        occurred_at,
        cast(null as {{ dbt.type_string() }}) as order_id,
        cast(null as decimal(18, 2)) as revenue,
        {{ omniscore.identifier_node_key("'social_handle'", 'handle') }} as preferred_node_key,
        cast(null as {{ dbt.type_string() }}) as fallback_node_key,
        source_file,
        source_line
    from social_interactions
),

final as (
    select
        unioned.channel,
        unioned.raw_event_name,
        taxonomy.interaction_type,
        taxonomy.funnel_stage,
        unioned.occurred_at,
        unioned.order_id,
        unioned.revenue,
        unioned.preferred_node_key,
        unioned.fallback_node_key,
        unioned.source_file,
        unioned.source_line,
        md5(unioned.natural_key) as interaction_id
    from unioned
    left join taxonomy
        on
            unioned.channel = taxonomy.channel
            and unioned.raw_event_name = taxonomy.raw_event_name
)

select * from final
