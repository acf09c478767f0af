{#
    One physical line without the carriage return of a CRLF line ending and, on the first
    line of a file (`line_no` = 1, or always when no line number is given), without a
    UTF-8 byte-order mark.
#}
{% macro clean_line(line, line_no=none) -%}
    {{ return(adapter.dispatch('clean_line', 'omniscore')(line, line_no)) }}
{%- endmacro %}

{% macro default__clean_line(line, line_no) -%}
    {%- set without_cr = "regexp_replace(" ~ line ~ ", '\\r$', '')" -%}
    {%- if line_no is none -%}
    regexp_replace({{ without_cr }}, '^\uFEFF', '')
    {%- else -%}
    case when {{ line_no }} = 1 then regexp_replace({{ without_cr }}, '^\uFEFF', '') else {{ without_cr }} end
    {%- endif -%}
{%- endmacro %}

{#- DuckDB: suffix/left is several times faster than rtrim with a character set. -#}
{% macro duckdb__clean_line(line, line_no) -%}
    {%- set without_cr = "case when suffix(" ~ line ~ ", chr(13)) then left(" ~ line ~ ", -1) else " ~ line ~ " end" -%}
    {%- if line_no is none -%}
    ltrim({{ without_cr }}, chr(65279))
    {%- else -%}
    case when {{ line_no }} = 1 then ltrim({{ without_cr }}, chr(65279)) else {{ without_cr }} end
    {%- endif -%}
{%- endmacro %}
