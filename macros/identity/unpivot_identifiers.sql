{#
    A union of selects, one per (relation, identifier column), giving one row per
    identifier a row carries: the `carried` columns of that relation, then
    identifier_type and identifier_value; rows whose identifier is null are skipped.

    sources: a list of (relation, carried, identifiers), where carried is a list of
    (column name, SQL expression) pairs (the same names, in the same order, for every
    relation) and identifiers a list of (identifier type, column) pairs.
#}
{% macro unpivot_identifiers(sources) -%}
    {%- for relation, carried, identifiers in sources %}
        {%- set outer_loop = loop %}
        {%- for identifier_type, column in identifiers %}
            select
                {%- for name, expression in carried %}
                    {{ expression }} as {{ name }},
                {%- endfor %}
                '{{ identifier_type }}' as identifier_type,
                {{ column }} as identifier_value
            from {{ relation }}
            where {{ column }} is not null
            {%- if not (outer_loop.last and loop.last) %}
                union all
            {%- endif %}
        {%- endfor %}
    {%- endfor %}
{%- endmacro %}
