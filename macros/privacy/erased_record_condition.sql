{#
    A boolean SQL expression, true for the rows of `relation` (a relation or CTE whose
    columns are those `node` declares) that belong to an erased person: a declared column
    (omniscore.erasure_columns) whose identifier, node key or raw-text token is in the
    suppression list `suppression`. Never null. The base models' filter and the on-run-end
    scrub both use it, so a full refresh removes exactly what the scrub removed.
#}
{% macro erased_record_condition(node, relation, suppression) -%}
    {%- set identifier_keys = "select suppressed_key from " ~ suppression ~ " where key_kind = 'identifier'" -%}
    {%- set terms = [] -%}
    {%- for column, kind in omniscore.erasure_columns(node) -%}
        {%- if kind == 'raw_text' -%}
            {%- set where = (node.config.meta or {}).get('erasure_text_where') -%}
            {%- do terms.append(omniscore.erased_text_condition(relation, column, suppression, where)) -%}
        {%- elif kind == 'node_key' -%}
            {%- do terms.append(column ~ ' in (' ~ identifier_keys ~ ')') -%}
        {%- elif kind == 'identifier_value' -%}
            {%- do terms.append(
                omniscore.identifier_node_key('identifier_type', column) ~ ' in (' ~ identifier_keys ~ ')'
            ) -%}
        {%- else -%}
            {%- do terms.append(
                omniscore.identifier_node_key("'" ~ kind ~ "'", column) ~ ' in (' ~ identifier_keys ~ ')'
            ) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if terms -%}
        coalesce(({{ terms | join('\n        or ') }}), false)
    {%- else -%}
        false
    {%- endif -%}
{%- endmacro %}

{#
    True for the rows of `relation` whose text `column` (rows matching `where`, when given)
    has a token in the suppression list (key_kind `token`): the raw_text term of
    omniscore.erased_record_condition, also used on its own by audit.quarantined_rows.
#}
{% macro erased_text_condition(relation, column, suppression, where=none) -%}
    {{ column }} in (
        select tokens.token_text
        from ({{ omniscore.record_tokens(relation, column, where) }}) as tokens
        inner join {{ suppression }} as suppressed on tokens.token_key = suppressed.suppressed_key
        where suppressed.key_kind = 'token'
    )
{%- endmacro %}
