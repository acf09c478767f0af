{#
    `text` as a SQL string literal, quotes and all, for values pasted into statements that
    hooks run (JSON of the build's vars). Spark SQL (the default) escapes with a backslash
    and reads `''` as two adjacent literals, concatenated, so a quote is `\'` and a
    backslash `\\`; DuckDB (standard SQL) doubles the quote and takes backslashes as they
    are.
#}
{% macro sql_string_literal(text) -%}
    {{ return(adapter.dispatch('sql_string_literal', 'omniscore')(text)) }}
{%- endmacro %}

{% macro default__sql_string_literal(text) -%}
    '{{ text | string | replace("\\", "\\\\") | replace("'", "\\'") }}'
{%- endmacro %}

{% macro duckdb__sql_string_literal(text) -%}
    '{{ text | string | replace("'", "''") }}'
{%- endmacro %}
