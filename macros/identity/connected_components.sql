{#
    Connected components of an undirected graph.

    Arguments:
      nodes: a relation or subquery with a column `node_key`.
      edges: a relation or subquery with columns `node_key_a`, `node_key_b` (each edge once).
      max_hops: (default implementation only) how many rounds of label propagation to
        unroll; must be at least the graph's diameter. assert_identity_components_converged
        fails if it was not enough.

    Returns a select of (node_key, component_key), component_key being the smallest
    node_key of the component.
#}
{% macro connected_components(nodes, edges, max_hops=16) -%}
    {{ return(adapter.dispatch('connected_components', 'omniscore')(nodes, edges, max_hops)) }}
{%- endmacro %}

{#- DuckDB: recursive CTE with USING KEY, so each round only carries the labels that dropped. -#}
{% macro duckdb__connected_components(nodes, edges, max_hops) -%}
    with recursive
        cc_edges as (
            select node_key_a as node_from, node_key_b as node_to from {{ edges }}
            union all
            select node_key_b as node_from, node_key_a as node_to from {{ edges }}
        ),

        labels (node_key, component_key) using key (node_key) as (
            select
                node_key,
                node_key as component_key
            from {{ nodes }}
            union
            select
                cc_edges.node_to as node_key,
                min(labels.component_key) as component_key
            from labels
            inner join cc_edges on labels.node_key = cc_edges.node_from
            inner join recurring.labels as current_labels on cc_edges.node_to = current_labels.node_key
            group by cc_edges.node_to, current_labels.component_key
            having min(labels.component_key) < current_labels.component_key
        )

    select
        node_key,
        component_key
    from labels
{%- endmacro %}

{#- Portable: min-label propagation unrolled max_hops times (Spark and others). -#}
{% macro default__connected_components(nodes, edges, max_hops) -%}
    with
        cc_edges as (
            select node_key_a as node_from, node_key_b as node_to from {{ edges }}
            union all
            select node_key_b as node_from, node_key_a as node_to from {{ edges }}
        ),

        labels_0 as (
            select
                node_key,
                node_key as component_key
            from {{ nodes }}
        ),
    {% for hop in range(1, max_hops + 1) %}
        labels_{{ hop }} as (
            select
                labels.node_key,
                least(labels.component_key, coalesce(min(neighbours.component_key), labels.component_key))
                    as component_key
            from labels_{{ hop - 1 }} as labels
            left join cc_edges on labels.node_key = cc_edges.node_from
            left join labels_{{ hop - 1 }} as neighbours on cc_edges.node_to = neighbours.node_key
            group by labels.node_key, labels.component_key
        ){{ "," if not loop.last }}
    {% endfor %}

    select
        node_key,
        component_key
    from labels_{{ max_hops }}
{%- endmacro %}
