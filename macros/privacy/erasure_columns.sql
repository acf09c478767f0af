{#
    The one declaration of what erasure removes: a column's `config: {meta: {erasure: kind}}`
    in its model's YAML. Returns the (column name, kind) pairs `node` declares; kinds:
      - an identifier type (contact_id, email, phone, loyalty_card, cookie, device,
        social_handle): the column holds that identifier, normalised;
      - identifier_value: an identifier whose type is the row's `identifier_type`;
      - node_key: the identity graph's hash of an identifier (omniscore.identifier_node_key);
      - raw_text: text as landed, matched token by token (omniscore.record_tokens), on the
        rows the model's `meta.erasure_text_where` selects (all rows without it).
    A row is an erased person's when any declared column matches the suppression list.
#}
{% macro erasure_columns(node) -%}
    {%- set identifier_types = [
        'contact_id', 'email', 'phone', 'loyalty_card', 'cookie', 'device', 'social_handle',
    ] -%}
    {%- set kinds = identifier_types + ['identifier_value', 'node_key', 'raw_text'] -%}
    {%- set found = [] -%}
    {%- for column in (node.columns or {}).values() -%}
        {%- set kind = (column.config or {}).get('meta', {}).get('erasure') or (column.meta or {}).get('erasure') -%}
        {%- if kind -%}
            {%- if kind not in kinds -%}
                {{ exceptions.raise_compiler_error(
                    node.name ~ '.' ~ column.name ~ ": unknown meta.erasure '" ~ kind
                    ~ "' (expected one of " ~ kinds | join(', ') ~ ')'
                ) }}
            {%- endif -%}
            {%- do found.append((column.name, kind)) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(found) }}
{%- endmacro %}
