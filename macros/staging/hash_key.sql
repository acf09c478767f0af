{#
    A stable text key (md5 hex) over the given SQL expressions: each cast to text, null
    spelled as the control character RS (chr(30)) and the parts joined with US (chr(31)),
    which export values do not carry. chr() is spelled the same on DuckDB and Spark, so the
    keys are the same on both.
#}
{% macro hash_key(expressions) -%}
    {%- set parts = [] -%}
    {%- for expression in expressions -%}
        {%- do parts.append("coalesce(cast(" ~ expression ~ " as " ~ dbt.type_string() ~ "), chr(30))") -%}
        {%- if not loop.last -%}{%- do parts.append("chr(31)") -%}{%- endif -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(parts)) }}
{%- endmacro %}
