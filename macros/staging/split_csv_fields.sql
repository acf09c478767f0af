{#
    The fields of one CSV record as a list of strings, still quoted as written
    (unquote with csv_field). A quoted field may hold the delimiter, doubled quotes and line
    breaks. Records without any quote take the fast path of a plain split.
#}
{% macro split_csv_fields(record, delimiter=',') -%}
    {%- if delimiter | length != 1 or delimiter in '"\\\'' -%}
        {{ exceptions.raise_compiler_error("split_csv_fields: unsupported delimiter " ~ delimiter) }}
    {%- endif -%}
    {{ return(adapter.dispatch('split_csv_fields', 'omniscore')(record, delimiter)) }}
{%- endmacro %}

{#
    Portable: one regular expression per field. The pattern consumes the delimiter in front
    of each field, so the record is prefixed with one: a leading empty field then cannot
    swallow the next one.
#}
{% macro default__split_csv_fields(record, delimiter) -%}
    case
        when instr({{ record }}, '"') = 0 then split({{ record }}, '[{{ delimiter }}]', -1)
        else regexp_extract_all(
            concat('{{ delimiter }}', {{ record }}),
            '[{{ delimiter }}]("(?:[^"]|"")*"[^{{ delimiter }}]*|[^{{ delimiter }}]*)',
            1
        )
    end
{%- endmacro %}

{#
    DuckDB: instead of a regular expression (slow per call), split at the quotes: the
    odd-numbered pieces lie outside quoted fields, so only their delimiters are field
    separators. Swap those for a unit separator (chr(31), which exports never contain),
    rejoin the pieces and split at it. Doubled quotes make an empty outside piece and
    survive the round trip.
#}
{% macro duckdb__split_csv_fields(record, delimiter) -%}
    case
        when not contains({{ record }}, '"') then string_split({{ record }}, '{{ delimiter }}')
        else string_split(
            array_to_string(
                list_transform(
                    string_split({{ record }}, '"'),
                    lambda piece, piece_index: case
                        when piece_index % 2 = 1 then replace(piece, '{{ delimiter }}', chr(31))
                        else piece
                    end
                ),
                '"'
            ),
            chr(31)
        )
    end
{%- endmacro %}
