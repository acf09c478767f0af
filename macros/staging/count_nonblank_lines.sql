{#
    The number of non-blank lines of a text (a line holding only a carriage return is
    blank): how many lines a file that is set aside whole had.
#}
{% macro count_nonblank_lines(text) -%}
    {{ return(adapter.dispatch('count_nonblank_lines', 'omniscore')(text)) }}
{%- endmacro %}

{% macro default__count_nonblank_lines(text) -%}
    size(filter(split({{ text }}, '\n', -1), line -> line not in ('', '\r')))
{%- endmacro %}

{% macro duckdb__count_nonblank_lines(text) -%}
    len(list_filter(string_split({{ text }}, chr(10)), lambda line: line not in ('', chr(13))))
{%- endmacro %}
