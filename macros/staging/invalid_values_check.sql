{#
    A (condition, detail) pair for first_quarantine_reason from several values of one kind
    (e.g. the amounts behind `invalid_number`): `values` is a list of (label, raw text
    expression, parsed expression) and optionally a fourth item, an extra condition under
    which the parsed value is invalid too (e.g. out of its range). The condition holds when
    any value is invalid; the detail names the first one: `<label>: <raw text>`.
#}
{% macro invalid_values_check(values) -%}
    {%- set conditions = [] -%}
    {%- for value in values -%}
        {%- set condition = omniscore.is_unparsed(value[1], value[2]) -%}
        {%- if value | length > 3 -%}
            {%- set condition = "(" ~ condition ~ " or coalesce(" ~ value[3] ~ ", false))" -%}
        {%- endif -%}
        {%- do conditions.append((value[0], value[1], condition)) -%}
    {%- endfor -%}
    {%- set detail -%}
        case
            {%- for label, raw, condition in conditions %}
            when {{ condition }} then '{{ label }}: ' || {{ raw }}
            {%- endfor %}
        end
    {%- endset -%}
    {{ return(("(" ~ conditions | map(attribute=2) | join(" or ") ~ ")", detail)) }}
{%- endmacro %}
