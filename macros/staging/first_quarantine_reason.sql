{#
    A CASE expression giving a record's quarantine reason: the first, in the order of
    quarantine_reasons(), whose condition holds; null when none does (the record is kept).
    `checks` maps reason code -> (condition, detail expression); with `detail=true` the
    expression gives the matching check's detail instead of its code. The order of
    `checks` does not matter; an unknown code fails compilation.
    Before every check comes the record reader's own reason (`reader_reason`, with
    `reader_detail`: a file set aside whole, a stray quote), which every base model
    carries from read_csv_records / read_jsonl_records.
#}
{% macro first_quarantine_reason(checks, detail=false) -%}
    {%- set order = omniscore.quarantine_reasons() -%}
    {%- for reason in checks -%}
        {%- if reason not in order -%}
            {{ exceptions.raise_compiler_error("Unknown quarantine reason '" ~ reason ~ "'; known: " ~ order | join(', ')) }}
        {%- endif -%}
    {%- endfor -%}
    {%- if not checks -%}
        {{ exceptions.raise_compiler_error("first_quarantine_reason needs at least one check") }}
    {%- endif -%}
    case
        when reader_reason is not null then {{ 'reader_detail' if detail else 'reader_reason' }}
        {%- for reason in order if reason in checks %}
        when {{ checks[reason][0] }} then {{ checks[reason][1] if detail else "'" ~ reason ~ "'" }}
        {%- endfor %}
    end
{%- endmacro %}
