{#
    `value` parsed as a timestamp without time zone in the first of `formats` (strftime
    codes: %Y %m %d %H %M %S %f) that fits the whole text; null when none does.
#}
{% macro try_parse_timestamp(value, formats) -%}
    {%- if formats is string -%}{%- set formats = [formats] -%}{%- endif -%}
    {{ return(adapter.dispatch('try_parse_timestamp', 'omniscore')(value, formats)) }}
{%- endmacro %}

{% macro default__try_parse_timestamp(value, formats) -%}
    {%- set java_codes = {
        '%Y': 'yyyy', '%m': 'MM', '%d': 'dd', '%H': 'HH', '%M': 'mm', '%S': 'ss', '%f': 'SSSSSS', 'T': "''T''",
    } -%}
    coalesce(
        {%- for format in formats %}
        {%- set ns = namespace(java=format) -%}
        {%- for code, java in java_codes.items() -%}
            {%- set ns.java = ns.java | replace(code, java) -%}
        {%- endfor %}
        try_to_timestamp({{ value }}, '{{ ns.java }}'){{ "," if not loop.last }}
        {%- endfor %}
    )
{%- endmacro %}

{% macro duckdb__try_parse_timestamp(value, formats) -%}
    try_strptime({{ value }}, [{% for format in formats %}'{{ format }}'{{ ", " if not loop.last }}{% endfor %}])
{%- endmacro %}
