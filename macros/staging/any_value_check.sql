{#
    A (condition, detail) pair for first_quarantine_reason from several checks of one
    kind (e.g. every timestamp behind `timestamp_out_of_range`): `values` is a list of
    (label, raw text expression, condition under which that value is bad). The condition
    holds when any value's does (a null condition counts as false); the detail names the
    first bad value: `<label>: <raw text>`.
#}
{% macro any_value_check(values) -%}
    {%- set conditions = [] -%}
    {%- for label, raw, condition in values -%}
        {%- do conditions.append("coalesce(" ~ condition ~ ", false)") -%}
    {%- endfor -%}
    {%- set detail -%}
        case
            {%- for label, raw, condition in values %}
            when {{ conditions[loop.index0] }} then '{{ label }}: ' || coalesce({{ raw }}, '')
            {%- endfor %}
        end
    {%- endset -%}
    {{ return(("(" ~ conditions | join(" or ") ~ ")", detail)) }}
{%- endmacro %}
