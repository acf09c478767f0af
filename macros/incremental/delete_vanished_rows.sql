{#
    A DELETE statement for an incremental model's pre-hook: removes the rows of `relation`
    whose `key` the upstream relation no longer produces (its source row was superseded,
    quarantined or unmapped since it was loaded), so that merging, which only inserts and
    updates, still ends equal to a full refresh. NOT EXISTS, not NOT IN: it plans as a hash
    anti-join on the key and is not defeated by nulls.
#}
{% macro delete_vanished_rows(relation, upstream, key) -%}
    {{ return(adapter.dispatch('delete_vanished_rows', 'omniscore')(relation, upstream, key)) }}
{%- endmacro %}

{# Spark (Delta) and DuckDB both accept a correlated NOT EXISTS in a DELETE's WHERE. #}
{% macro default__delete_vanished_rows(relation, upstream, key) -%}
    delete from {{ relation }} as loaded
    where not exists (
        select 1
        from {{ upstream }} as upstream
        where upstream.{{ key }} = loaded.{{ key }}
    )
{%- endmacro %}
