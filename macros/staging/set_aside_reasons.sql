{#
    The quarantine reasons of a file set aside whole by the record readers
    (decode_raw_files, read_csv_header), as a SQL list for `in`: such a file is one row of
    its base model, line 1, with one of these reasons and the file's line count.
#}
{% macro set_aside_reasons() -%}
    ('not_utf8', 'wrong_delimiter', 'missing_required_column')
{%- endmacro %}
