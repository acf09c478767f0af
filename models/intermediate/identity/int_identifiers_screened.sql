{#
    One row per distinct identifier with when it was first and last seen, and whether
    it may link people:
      - a placeholder listed in seeds/blocked_identifiers (for its type or `any`) never links;
      - an identifier linked to more than `omniscore__identifier_max_persons` distinct
        contact ids, or distinct emails, would merge that many people: it is over-linked
        and does not link either (reported in audit.identifiers_over_linked).
    Counting distinct contact ids and emails (not cookies or devices) is deliberate: one
    person normally has one of each but may have many cookies and devices.
#}

with

occurrences as (
    select
        identifier_type,
        identifier_value,
        node_key,
        seen_at
    from {{ ref('int_identifier_occurrences_unioned') }}
),

links as (
    select
        node_key_a,
        identifier_type_a,
        node_key_b,
        identifier_type_b
    from {{ ref('int_identifier_links_paired') }}
),

blocked_identifiers as (
    select
        identifier_type,
        identifier_value
    from {{ ref('blocked_identifiers') }}
),

identifiers as (
    select
        node_key,
        identifier_type,
        identifier_value,
        min(seen_at) as first_seen_at,
        max(seen_at) as last_seen_at,
        count(*) as occurrence_count
    from occurrences
    group by node_key, identifier_type, identifier_value
),

placeholders as (
    select distinct identifiers.node_key
    from identifiers
    inner join blocked_identifiers
        on
            lower(identifiers.identifier_value) = lower(blocked_identifiers.identifier_value)
            and blocked_identifiers.identifier_type in (identifiers.identifier_type, 'any')
),

{#- Each link seen from both ends, without placeholders on the far end. #}

neighbours as (
    select
        links.node_key_a as node_key,
        links.identifier_type_b as neighbour_type,
        links.node_key_b as neighbour_key
    from links
    where links.node_key_b not in (select placeholders.node_key from placeholders)
    union all
    select
        links.node_key_b as node_key,
        links.identifier_type_a as neighbour_type,
        links.node_key_a as neighbour_key
    from links
    where links.node_key_a not in (select placeholders.node_key from placeholders)
),

neighbour_counts as (
    select
        node_key,
        count(distinct case when neighbour_type = 'contact_id' then neighbour_key end) as linked_contact_ids,
        count(distinct case when neighbour_type = 'email' then neighbour_key end) as linked_emails
    from neighbours
    group by node_key
),

screened as (
    select
        identifiers.node_key,
        identifiers.identifier_type,
        identifiers.identifier_value,
        identifiers.first_seen_at,
        identifiers.last_seen_at,
        identifiers.occurrence_count,
        coalesce(neighbour_counts.linked_contact_ids, 0) as linked_contact_ids,
        coalesce(neighbour_counts.linked_emails, 0) as linked_emails,
        placeholders.node_key is not null as is_placeholder
    from identifiers
    left join placeholders on identifiers.node_key = placeholders.node_key
    left join neighbour_counts on identifiers.node_key = neighbour_counts.node_key
),

final as (
    select
        *,
        greatest(linked_contact_ids, linked_emails) > {{ var('omniscore__identifier_max_persons') }}
            as is_over_linked,
        not is_placeholder
        and greatest(linked_contact_ids, linked_emails) <= {{ var('omniscore__identifier_max_persons') }}
            as is_linkable
    from screened
)

select * from final
