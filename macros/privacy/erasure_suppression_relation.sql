{#
    The relation of the erasure suppression list (model erasure_suppression_list), or none
    before its first build. Base models read it without `ref`: the list is derived from
    the identity graph, which reads the base models, so a `ref` would be a cycle. They read
    the list as the previous build left it; the on-run-end scrub applies what this build adds.
#}
{% macro erasure_suppression_relation() -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- for node in graph.get('nodes', {}).values() -%}
        {%- if node.resource_type == 'model' and node.package_name == 'omniscore'
            and node.name == 'erasure_suppression_list' -%}
            {{ return(adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias)) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(none) }}
{%- endmacro %}
