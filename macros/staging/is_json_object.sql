{# True when `value` is a well-formed JSON object (not an array, scalar or broken text). #}
{% macro is_json_object(value) -%}
    {{ return(adapter.dispatch('is_json_object', 'omniscore')(value)) }}
{%- endmacro %}

{% macro default__is_json_object(value) -%}
    coalesce(trim({{ value }}) like {{ "'{%'" }} and from_json({{ value }}, 'map<string, string>') is not null, false)
{%- endmacro %}

{% macro duckdb__is_json_object(value) -%}
    case when json_valid({{ value }}) then json_type({{ value }}) = 'OBJECT' else false end
{%- endmacro %}
