{#
    The rows of every model family's evaluation relation (the regressions' int_scoring_*,
    lifetime value's int_clv_*) as one select: `columns` (name, SQL type) listed and cast
    alike in each branch, so a family whose columns come in another order or type cannot
    shift a union all.
#}
{% macro union_model_families(relations, columns) -%}
    {%- for relation in relations %}
    select
        {%- for name, data_type in columns %}
        cast({{ name }} as {{ data_type }}) as {{ name }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ relation }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}
