{#
    No staged interaction is lost on the way to the fact table: every row of
    int_interactions_unioned is in fct_interactions, unless its person is erased, and
    the fact holds nothing else.
#}

with

unioned as (
    select
        interaction_id,
        preferred_node_key,
        fallback_node_key
    from {{ ref('int_interactions_unioned') }}
),

erased_identifiers as (
    select node_key
    from {{ ref('int_identifiers_clustered') }}
    where is_erased
),

facts as (
    select interaction_id
    from {{ ref('fct_interactions') }}
),

expected as (
    select unioned.interaction_id
    from unioned
    where
        coalesce(unioned.preferred_node_key, '') not in (select erased_identifiers.node_key from erased_identifiers)
        and coalesce(unioned.fallback_node_key, '') not in (select erased_identifiers.node_key from erased_identifiers)
),

missing as (
    select
        expected.interaction_id,
        'missing from fct_interactions' as problem
    from expected
    where expected.interaction_id not in (select facts.interaction_id from facts)
),

unexpected as (
    select
        facts.interaction_id,
        'not a staged interaction' as problem
    from facts
    where facts.interaction_id not in (select expected.interaction_id from expected)
)

select * from missing
union all
select * from unexpected
