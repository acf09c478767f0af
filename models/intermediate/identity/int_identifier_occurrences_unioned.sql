{#
    Every identifier seen in any staged row, one row per (record, identifier), with the
    time it was seen. A record that carries two identifiers (a CRM contact, a logged-in
    web or app event, a support ticket) shares its `record_key`, which is what links them.
    CRM contacts and support tickets are read in every staged version, superseded ones
    included: an email or phone a contact had before is still theirs, and links them.
#}

with

contacts as (
    select
        contact_id,
        email,
        phone,
        loyalty_card_id,
        instagram_handle,
        created_at
    from {{ ref('base_crm__contacts') }}
    where quarantine_reason is null
),

web_events as (
    select
        event_id,
        cookie_id,
        contact_id,
        occurred_at
    from {{ ref('stg_web__events') }}
),

app_events as (
    select
        event_id,
        device_id,
        contact_id,
        occurred_at
    from {{ ref('stg_app__events') }}
),

email_activities as (
    select
        activity_id,
        email,
        occurred_at
    from {{ ref('stg_email__activities') }}
),

pos_transactions as (
    select
        transaction_line_id,
        loyalty_card_id,
        occurred_at
    from {{ ref('stg_pos__transactions') }}
),

support_tickets as (
    select
        ticket_id,
        email,
        phone,
        created_at
    from {{ ref('base_support__tickets') }}
    where quarantine_reason is null
),

social_interactions as (
    select
        interaction_id,
        handle,
        occurred_at
    from {{ ref('stg_social__interactions') }}
),

occurrences as (
    {%- set sources = [
        ('contacts', "'crm:' || contact_id", 'created_at', omniscore.crm_contact_identifiers()),
        ('web_events', "'web:' || event_id", 'occurred_at', [
            ('cookie', 'cookie_id'), ('contact_id', 'contact_id')]),
        ('app_events', "'app:' || event_id", 'occurred_at', [
            ('device', 'device_id'), ('contact_id', 'contact_id')]),
        ('email_activities', "'email:' || activity_id", 'occurred_at', [('email', 'email')]),
        ('pos_transactions', "'pos:' || transaction_line_id", 'occurred_at', [
            ('loyalty_card', 'loyalty_card_id')]),
        ('support_tickets', "'support:' || ticket_id", 'created_at', [
            ('email', 'email'), ('phone', 'phone')]),
        ('social_interactions', "'social:' || interaction_id", 'occurred_at', [
            ('social_handle', 'handle')]),
    ] -%}
    {%- set unpivot = [] -%}
    {%- for cte, record_key, seen_at, identifiers in sources -%}
        {%- do unpivot.append((cte, [('record_key', record_key), ('seen_at', seen_at)], identifiers)) -%}
    {%- endfor %}
    {{ omniscore.unpivot_identifiers(unpivot) | indent(4) }}
),

final as (
    select
        record_key,
        identifier_type,
        identifier_value,
        {{ omniscore.identifier_node_key('identifier_type', 'identifier_value') }} as node_key,
        seen_at
    from occurrences
)

select * from final
