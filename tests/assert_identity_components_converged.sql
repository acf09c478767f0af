{#
    Every usable link joins two identifiers of the same person. Fails if the connected-
    components macro stopped before labels converged (e.g. too few hops in its portable
    version) or if clustering dropped a link.
#}

with

clustered as (
    select
        node_key,
        customer_id
    from {{ ref('int_identifiers_clustered') }}
),

links as (
    select
        node_key_a,
        node_key_b
    from {{ ref('int_identifier_links_paired') }}
)

select
    links.node_key_a,
    links.node_key_b,
    clustered_a.customer_id as customer_id_a,
    clustered_b.customer_id as customer_id_b
from links
inner join clustered as clustered_a on links.node_key_a = clustered_a.node_key
inner join clustered as clustered_b on links.node_key_b = clustered_b.node_key
where clustered_a.customer_id != clustered_b.customer_id
