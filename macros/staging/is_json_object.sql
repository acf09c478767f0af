{# True when `value` is a well-formed JSON object (not an array, scalar or broken text). #}
{% macro is_json_object(value) -%}
    {{ return(adapter.dispatch('is_json_object', 'omniscore')(value)) }}
{%- endmacro %}

{% macro default__is_json_object(value) -%}
    coalesce(trim({{ value }}) like {{ "'{%'" }} and from_json({{ value }}, 'map<string, string>') is not null, false)
{%- endmacro %}

{#
    DuckDB: valid JSON whose first character (after JSON whitespace) is `{` is an object.
    Checking that first character instead of asking json_type spares a second parse of
    every line (a third of the JSON-lines reader's time); it also runs first, so text that
    cannot be an object is not parsed at all.
#}
{% macro duckdb__is_json_object(value) -%}
    case
        when left(ltrim({{ value }}, chr(32) || chr(9) || chr(10) || chr(13)), 1) = '{' then json_valid({{ value }})
        else false
    end
{%- endmacro %}
