{#
    `value` cast to `data_type`, or null when it does not convert. dbt's own safe_cast is a
    plain cast on DuckDB, which stops the build on the first bad value; staging must not.
    DuckDB and Spark (3.2+) both spell it try_cast; other adapters add their own version.
#}
{% macro try_cast(value, data_type) -%}
    {{ return(adapter.dispatch('try_cast', 'omniscore')(value, data_type)) }}
{%- endmacro %}

{% macro default__try_cast(value, data_type) -%}
    try_cast({{ value }} as {{ data_type }})
{%- endmacro %}
