{#
    The values at `paths` (JSONPath like `$.a.b`) of a JSON object as a list of text, in
    the order given (read with list_element). Numbers come back as their text; a missing
    key or JSON null gives null. Parses the document once. Only call it on rows where
    is_json_object holds: broken JSON may raise an error.
#}
{% macro json_fields(value, paths) -%}
    {{ return(adapter.dispatch('json_fields', 'omniscore')(value, paths)) }}
{%- endmacro %}

{% macro default__json_fields(value, paths) -%}
    array({% for path in paths %}get_json_object({{ value }}, '{{ path }}'){{ ", " if not loop.last }}{% endfor %})
{%- endmacro %}

{% macro duckdb__json_fields(value, paths) -%}
    json_extract_string({{ value }}, [{% for path in paths %}'{{ path }}'{{ ", " if not loop.last }}{% endfor %}])
{%- endmacro %}
