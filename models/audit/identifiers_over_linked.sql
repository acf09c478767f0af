{#
    Identifiers that were not used to link people because they would join more than
    `omniscore__identifier_max_persons` persons (a shared family email, a store's phone
    number typed into many contacts). Values are masked: this table is read by people.
#}

with

screened as (
    select
        node_key,
        identifier_type,
        identifier_value,
        linked_contact_ids,
        linked_emails,
        occurrence_count,
        first_seen_at,
        last_seen_at
    from {{ ref('int_identifiers_screened') }}
    where is_over_linked and not is_placeholder
),

final as (
    select
        node_key,
        identifier_type,
        {{ omniscore.mask_identifier('identifier_value') }} as identifier_masked,
        greatest(linked_contact_ids, linked_emails) as linked_persons,
        linked_contact_ids,
        linked_emails,
        occurrence_count,
        first_seen_at,
        last_seen_at,
        {{ var('omniscore__identifier_max_persons') }} as max_persons
    from screened
)

select * from final
