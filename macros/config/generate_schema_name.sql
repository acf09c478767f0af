{#
    Layers land in plainly named schemas (staging, intermediate, marts, audit, config)
    instead of dbt's default `<target schema>_<custom schema>`, so BI tools and
    the data-quality suites can address them the same way on every target.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
