{#
    A (condition, detail) pair for first_quarantine_reason from several values of one kind
    (e.g. the amounts behind `invalid_number`): `values` is a list of (label, raw text
    expression, parsed expression) and optionally a fourth item, an extra condition under
    which the parsed value is invalid too (e.g. out of its range). The condition holds when
    any value is invalid (unparsed, or failing its extra condition); the detail names the
    first one: `<label>: <raw text>` (any_value_check).
#}
{% macro invalid_values_check(values) -%}
    {%- set checks = [] -%}
    {%- for value in values -%}
        {%- set condition = omniscore.is_unparsed(value[1], value[2]) -%}
        {%- if value | length > 3 -%}
            {%- set condition = condition ~ " or " ~ value[3] -%}
        {%- endif -%}
        {%- do checks.append((value[0], value[1], condition)) -%}
    {%- endfor -%}
    {{ return(omniscore.any_value_check(checks)) }}
{%- endmacro %}
