{# An email address as matched across sources: trimmed and lower-case; empty becomes null. #}
{% macro normalize_email(value) -%}
    nullif(lower(trim({{ value }})), '')
{%- endmacro %}
