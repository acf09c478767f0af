{#
    The landed file's path relative to the raw dir: its last two components
    (`<channel>/<file>`), whatever form (relative, absolute, doubled slashes) the raw dir
    was given in.
#}
{% macro raw_file_path(filename) -%}
    {{ return(adapter.dispatch('raw_file_path', 'omniscore')(filename)) }}
{%- endmacro %}

{% macro default__raw_file_path(filename) -%}
    regexp_extract({{ filename }}, '([^/]+/[^/]+)$', 1)
{%- endmacro %}

{% macro duckdb__raw_file_path(filename) -%}
    regexp_extract({{ filename }}, '[^/]+/[^/]+$')
{%- endmacro %}
