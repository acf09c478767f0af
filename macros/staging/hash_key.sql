{#
    A stable text key (md5 hex) over the given SQL expressions: each cast to text, null
    spelled as a marker no value has, joined with a separator no value has.
#}
{% macro hash_key(expressions) -%}
    {%- set parts = [] -%}
    {%- for expression in expressions -%}
        {%- do parts.append("coalesce(cast(" ~ expression ~ " as " ~ dbt.type_string() ~ "), '\\u0000null')") -%}
        {%- if not loop.last -%}{%- do parts.append("'\\u001f'") -%}{%- endif -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(parts)) }}
{%- endmacro %}
