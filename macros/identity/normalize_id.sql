{# An identifier as matched across sources: trimmed; empty becomes null. #}
{% macro normalize_id(value) -%}
    nullif(trim({{ value }}), '')
{%- endmacro %}
