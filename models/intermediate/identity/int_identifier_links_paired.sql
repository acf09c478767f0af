{#
    The edges of the identity graph: every pair of distinct identifiers that occur in one
    record, once per pair (node_key_a < node_key_b), with when they were first seen
    together. Placeholders and over-linked identifiers are still here; the screening and
    clustering models decide which edges count.
#}

with

occurrences as (
    select
        record_key,
        identifier_type,
        node_key,
        seen_at
    from {{ ref('int_identifier_occurrences_unioned') }}
),

{#- Only records with two or more identifiers can link anything. #}

multi_identifier_records as (
    select record_key
    from occurrences
    group by record_key
    having count(distinct node_key) > 1
),

linking_occurrences as (
    select
        occurrences.record_key,
        occurrences.identifier_type,
        occurrences.node_key,
        occurrences.seen_at
    from occurrences
    inner join multi_identifier_records
        on occurrences.record_key = multi_identifier_records.record_key
),

pairs as (
    select
        left_side.node_key as node_key_a,
        left_side.identifier_type as identifier_type_a,
        right_side.node_key as node_key_b,
        right_side.identifier_type as identifier_type_b,
        left_side.seen_at
    from linking_occurrences as left_side
    inner join linking_occurrences as right_side
        on
            left_side.record_key = right_side.record_key
            and left_side.node_key < right_side.node_key
),

final as (
    select
        node_key_a,
        identifier_type_a,
        node_key_b,
        identifier_type_b,
        min(seen_at) as first_linked_at,
        count(*) as record_count
    from pairs
    group by node_key_a, identifier_type_a, node_key_b, identifier_type_b
)

select * from final
