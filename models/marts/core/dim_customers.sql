{#
    One row per person (customers, prospects and not-yet-identified visitors), built from
    the identity map, the CRM golden record and the interaction history.

    Survivorship of golden-record attributes: among the person's CRM contacts, each
    attribute takes the non-empty value of the most recently updated contact (ties: the
    greater contact id). Email and phone are never shown: `email_key` / `phone_key` are the
    identity graph's hashed keys of the golden email and phone (CRM first, else the most
    recently seen one), for joins only.

    lifecycle_stage: `customer` once the person has an order; otherwise the CRM stage;
    otherwise `visitor` (a person known only by cookie, device, card or handle).
#}

with

identifiers as (
    select
        customer_id,
        identifier_type,
        identifier_value,
        node_key,
        first_seen_at,
        last_seen_at
    from {{ ref('int_identifiers_resolved') }}
),

contacts as (
    select
        contact_id,
        email,
        phone,
        first_name,
        last_name,
        country_code,
        city,
        birth_date,
        lifecycle_stage,
        is_marketing_consented,
        is_profiling_consented,
        created_at,
        updated_at
    from {{ ref('stg_crm__contacts') }}
),

interactions as (
    select
        customer_id,
        channel,
        interaction_type,
        occurred_at,
        order_id,
        revenue
    from {{ ref('fct_interactions') }}
    where customer_id is not null
),

contact_profiles as (
    select
        contacts.*,
        identifiers.customer_id,
        {#- Orders contacts by update time, then id, as one sortable text. max_by over a
            key that is null where the value is missing skips those rows (DuckDB, Spark). #}
        {{ dbt.concat([
            dbt.cast('contacts.updated_at', dbt.type_string()), "'|'", 'contacts.contact_id'
        ]) }} as survivor_key
    from contacts
    inner join identifiers
        on
            identifiers.identifier_type = 'contact_id'
            and contacts.contact_id = identifiers.identifier_value
),

golden_records as (
    select
        customer_id,
        count(*) as contact_count,
        min(created_at) as contact_created_at,
        {%- for column in [
            'email', 'phone', 'first_name', 'last_name', 'country_code', 'city', 'birth_date',
            'lifecycle_stage', 'is_marketing_consented', 'is_profiling_consented',
        ] %}
        max_by({{ column }}, case when {{ column }} is not null then survivor_key end) as {{ column }}
        {{- "," if not loop.last }}
    {%- endfor %}
    from contact_profiles
    group by customer_id
),

identifier_summaries as (
    select
        customer_id,
        min(first_seen_at) as first_seen_at,
        max(last_seen_at) as last_seen_at,
        count(*) as identifier_count,
        max_by(node_key, case when identifier_type = 'email' then last_seen_at end) as latest_email_key,
        max_by(node_key, case when identifier_type = 'phone' then last_seen_at end) as latest_phone_key,
        max(case when identifier_type in ('contact_id', 'email', 'phone') then 1 else 0 end) = 1
            as is_identified
    from identifiers
    group by customer_id
),

channel_usage as (
    select distinct
        customer_id,
        channel
    from interactions
),

channels_used as (
    select
        customer_id,
        {{ omniscore.ordered_listagg('channel', "','", 'channel') }} as channels_used,
        count(*) as channel_count
    from channel_usage
    group by customer_id
),

activity as (
    select
        customer_id,
        min(occurred_at) as first_interaction_at,
        max(occurred_at) as last_interaction_at,
        count(*) as interaction_count,
        count(distinct case when interaction_type = 'purchase' then order_id end) as orders_to_date,
        sum(case when interaction_type in ('purchase', 'return') then revenue else 0 end) as revenue_to_date,
        max(case when interaction_type = 'purchase' then occurred_at end) as last_order_at
    from interactions
    group by customer_id
),

final as (
    select
        -- keys
        cast(identifier_summaries.customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(
            coalesce(
                {{ omniscore.identifier_node_key("'email'", 'golden_records.email') }},
                identifier_summaries.latest_email_key
            ) as {{ dbt.type_string() }}
        ) as email_key,
        cast(
            coalesce(
                {{ omniscore.identifier_node_key("'phone'", 'golden_records.phone') }},
                identifier_summaries.latest_phone_key
            ) as {{ dbt.type_string() }}
        ) as phone_key,
        -- golden-record attributes
        cast(golden_records.first_name as {{ dbt.type_string() }}) as first_name,
        cast(golden_records.last_name as {{ dbt.type_string() }}) as last_name,
        cast(golden_records.country_code as {{ dbt.type_string() }}) as country_code,
        cast(golden_records.city as {{ dbt.type_string() }}) as city,
        cast(golden_records.birth_date as date) as birth_date,
        cast(
            case
                when coalesce(activity.orders_to_date, 0) > 0 then 'customer'
                when golden_records.lifecycle_stage is not null then golden_records.lifecycle_stage
                else 'visitor'
            end as {{ dbt.type_string() }}
        ) as lifecycle_stage,
        cast(golden_records.is_marketing_consented as {{ dbt.type_boolean() }}) as is_marketing_consented,
        cast(golden_records.is_profiling_consented as {{ dbt.type_boolean() }}) as is_profiling_consented,
        cast(identifier_summaries.is_identified as {{ dbt.type_boolean() }}) as is_identified,
        cast(coalesce(golden_records.contact_count, 0) as {{ dbt.type_int() }}) as contact_count,
        cast(identifier_summaries.identifier_count as {{ dbt.type_int() }}) as identifier_count,
        -- activity
        cast(
            least(
                coalesce(identifier_summaries.first_seen_at, activity.first_interaction_at),
                coalesce(activity.first_interaction_at, identifier_summaries.first_seen_at)
            ) as {{ dbt.type_timestamp() }}
        ) as first_seen_at,
        cast(
            greatest(
                coalesce(identifier_summaries.last_seen_at, activity.last_interaction_at),
                coalesce(activity.last_interaction_at, identifier_summaries.last_seen_at)
            ) as {{ dbt.type_timestamp() }}
        ) as last_seen_at,
        cast(channels_used.channels_used as {{ dbt.type_string() }}) as channels_used,
        cast(coalesce(channels_used.channel_count, 0) as {{ dbt.type_int() }}) as channel_count,
        cast(coalesce(activity.interaction_count, 0) as {{ dbt.type_bigint() }}) as interaction_count,
        -- measures (reporting currency)
        cast(coalesce(activity.orders_to_date, 0) as {{ dbt.type_int() }}) as orders_to_date,
        cast(coalesce(activity.revenue_to_date, 0) as decimal(18, 2)) as revenue_to_date,
        cast(activity.last_order_at as {{ dbt.type_timestamp() }}) as last_order_at
    from identifier_summaries
    left join golden_records on identifier_summaries.customer_id = golden_records.customer_id
    left join channels_used on identifier_summaries.customer_id = channels_used.customer_id
    left join activity on identifier_summaries.customer_id = activity.customer_id
)

select * from final
