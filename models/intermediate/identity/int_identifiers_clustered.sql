{#
    Persons: the connected components of the graph of linkable identifiers.

    A person's customer_id is derived from its anchor, the identifier that ranks first by
    (type rank, first seen, node key), with CRM contact ids ranking first. Being derived
    from the data, the id is the same in an incremental run and a full refresh, and it
    only changes when the anchor does: when two persons merge (the older contact
    survives) or, rarely, when a late event shows an identifier earlier than the anchor of
    a person without a CRM contact.

    A person named in an erasure request (by contact id or email) is flagged here so the
    layers the business queries can drop everything linked to them (int_erasure_identifiers
    also counts the identifiers on a named contact's quarantined CRM rows), and so is the
    person of an identifier first seen on an erased person's later record
    (int_erased_record_identifiers: a new cookie beside the erased contact id).
#}

with

identifiers as (
    select
        node_key,
        identifier_type,
        identifier_value,
        first_seen_at,
        last_seen_at
    from {{ ref('int_identifiers_screened') }}
    where is_linkable
),

links as (
    select
        node_key_a,
        node_key_b
    from {{ ref('int_identifier_links_paired') }}
),

{# What requests reach, and what an erased person's later records show beside an erased
   identifier (int_erased_record_identifiers). #}
erasure_identifiers as (
    select node_key
    from {{ ref('int_erasure_identifiers') }}
    union
    select node_key
    from {{ ref('int_erased_record_identifiers') }}
),

linkable_links as ( -- noqa: ST03
    select
        links.node_key_a,
        links.node_key_b
    from links
    inner join identifiers as identifiers_a on links.node_key_a = identifiers_a.node_key
    inner join identifiers as identifiers_b on links.node_key_b = identifiers_b.node_key
),

{# DuckDB's recursive CTE with `using key` is beyond sqlfluff's DuckDB grammar, so the
   macro call is not parsed (PRS) and the CTE it reads looks unused (ST03). #}
components as (
    {{ omniscore.connected_components('identifiers', 'linkable_links') }} -- noqa: PRS
),

ranked as (
    select
        identifiers.node_key,
        identifiers.identifier_type,
        identifiers.identifier_value,
        identifiers.first_seen_at,
        identifiers.last_seen_at,
        components.component_key,
        row_number() over (
            partition by components.component_key
            order by
                case identifiers.identifier_type
                    when 'contact_id' then 1
                    when 'email' then 2
                    when 'phone' then 3
                    when 'loyalty_card' then 4
                    when 'social_handle' then 5
                    when 'device' then 6
                    else 7
                end,
                identifiers.first_seen_at,
                identifiers.node_key
        ) as anchor_rank
    from identifiers
    inner join components on identifiers.node_key = components.node_key
),

anchors as (
    select
        component_key,
        md5('customer:' || node_key) as customer_id
    from ranked
    where anchor_rank = 1
),

erased_components as (
    select distinct ranked.component_key
    from ranked
    inner join erasure_identifiers on ranked.node_key = erasure_identifiers.node_key
),

final as (
    select
        ranked.node_key,
        ranked.identifier_type,
        ranked.identifier_value,
        anchors.customer_id,
        ranked.first_seen_at,
        ranked.last_seen_at,
        ranked.anchor_rank = 1 as is_anchor,
        erased_components.component_key is not null as is_erased
    from ranked
    inner join anchors on ranked.component_key = anchors.component_key
    left join erased_components on ranked.component_key = erased_components.component_key
)

select * from final
