{#
    The identifier → customer map that every later model uses: the clustered identifiers
    of persons who are not erased, each with the customer_id it had after the previous
    run (null when new), from which audit.identity_merges records what this run changed.

    This table reads its own previous state ({{ this }}) while it is rebuilt: dbt creates
    the new table before it replaces the old one, so the old one is still readable.
#}

{%- set previous_state = load_relation(this) %}

with

clustered as (
    select
        node_key,
        identifier_type,
        identifier_value,
        customer_id,
        first_seen_at,
        last_seen_at,
        is_anchor
    from {{ ref('int_identifiers_clustered') }}
    where not is_erased
),

{% if previous_state is not none -%}
    previous as (
        select
            node_key,
            customer_id
        from {{ previous_state }}
    ),
{%- else -%}
    previous as (
        select
            cast(null as {{ dbt.type_string() }}) as node_key,
            cast(null as {{ dbt.type_string() }}) as customer_id
        where false
    ),
{%- endif %}

final as (
    select
        clustered.node_key,
        clustered.identifier_type,
        clustered.identifier_value,
        clustered.customer_id,
        previous.customer_id as previous_customer_id,
        clustered.first_seen_at,
        clustered.last_seen_at,
        clustered.is_anchor
    from clustered
    left join previous on clustered.node_key = previous.node_key
)

select * from final
