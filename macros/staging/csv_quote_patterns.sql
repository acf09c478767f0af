{#
    Where CSV puts quotes, as regular expressions (RE2 / Java syntax, for
    regexp_full_match; no backslash and no single quote, so that they paste into any SQL
    string literal) for a file with `delimiter`. Returns a dict:
    - `opens`: a line read at a record's start that ends inside a quoted field;
    - `closes`: a line read inside a quoted field that closes it and ends outside one;
    - `breaks`: a line read inside a quoted field in which, before any close, an odd run of
      quotes at its start or just after a delimiter is followed by text: a new record
      opening a quoted field (inside one, an export doubles every quote);
    - `record`: a whole record (line feeds allowed inside quoted fields) without a stray
      quote: every field is unquoted without any quote, or quoted with its quotes doubled.
    The rules (stitch_csv_records, and the same scanner in validate.py): doubled quotes
    `""` are one quote; a quote opens a quoted field only at a field's start, as an odd run
    of quotes (an even run there followed by text is stray: `""Now"" I said` on a
    continuation line of a quoted field opens nothing), and closes it only just before a
    delimiter or the end of the line; any other quote is stray and literal (it changes
    nothing).
#}
{% macro csv_quote_patterns(delimiter=',') -%}
    {%- if delimiter | length != 1 or delimiter in '"\\\'^-]' -%}
        {{ exceptions.raise_compiler_error("csv_quote_patterns: unsupported delimiter " ~ delimiter) }}
    {%- endif -%}
    {#- Quoted content: without stray quotes (strict), and with them (a lone quote that is
        not before a delimiter or the end of the line is literal). -#}
    {#- Unrolled loops (text runs between quote tokens): Java's regex engine (Spark's
        rlike) recurses once per repetition of an alternation and overflows its stack on
        lines of a few thousand characters; RE2 (DuckDB) reads both forms alike. -#}
    {%- set strict_content = '[^"]*(?:""[^"]*)*' -%}
    {%- set content = '[^"]*(?:(?:""|"[^"' ~ delimiter ~ '])[^"]*)*' -%}
    {#- An opening quote and what follows it on the line: an odd run of quotes at a field's
        start opens (the first quote; the rest are doubled quotes), an even run does not. -#}
    {%- set opened = '"(?:"")*(?:[^"]' ~ content ~ ')?' -%}
    {#- A field: quoted (then closed just before a delimiter or the end), or unquoted:
        strict without any quote, else any text not starting with an odd run of quotes. -#}
    {%- set strict_field = '(?:"' ~ strict_content ~ '"|[^"' ~ delimiter ~ ']*)' -%}
    {%- set field = '(?:' ~ opened ~ '"|(?:"")*[^"' ~ delimiter ~ '][^' ~ delimiter ~ ']*|)' -%}
    {%- set separator = '[' ~ delimiter ~ ']' -%}
    {{ return({
        'opens': '(?:' ~ field ~ separator ~ ')*' ~ opened,
        'closes': content ~ '"(?:' ~ separator ~ field ~ ')*',
        'breaks': '(?:' ~ content ~ separator ~ ')?(?:"")*"[^"' ~ delimiter ~ '].*',
        'record': strict_field ~ '(?:' ~ separator ~ strict_field ~ ')*',
    }) }}
{%- endmacro %}
