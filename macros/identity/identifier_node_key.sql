{#
    The key of one identifier in the identity graph: a hash of its type and normalised
    value, so that marts and audit tables can refer to an identifier without showing it.
#}
{% macro identifier_node_key(identifier_type, identifier_value) -%}
    md5({{ identifier_type }} || ':' || {{ identifier_value }})
{%- endmacro %}
