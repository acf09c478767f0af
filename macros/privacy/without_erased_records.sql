{#
    The last step of every base model: `select` of the model's rows from `relation` (its
    final CTE), plus `is_erased` and `erased_from`. A record of an erased person (a
    declared identifier column or raw-text token in the suppression list,
    omniscore.erased_record_condition) becomes a tombstone: its source_file, source_line
    and line_count stay, so the file still reconciles (audit.file_reconciliation counts it
    as erased), `erased_from` says what it would have been (`staged`, `duplicate`, or its
    quarantine reason; the generator's counts still compare), `erased_identifier_keys`
    holds its identifiers' hashes until the build's scrub (omniscore.erased_identifier_keys)
    and every other column is null. So re-reading the landing folder (`--full-refresh`, a
    re-delivered file, a late file) never brings an erased person back. Before the list exists, nothing is erased.
#}
{% macro without_erased_records(relation) -%}
    {%- set suppression = omniscore.erasure_suppression_relation() -%}
    {%- if suppression is none or not omniscore.erasure_columns(model) -%}
        select
            *,
            false as is_erased,
            cast(null as {{ dbt.type_string() }}) as erased_from,
            cast(null as {{ dbt.type_string() }}) as erased_identifier_keys
        from {{ relation }}
    {%- else -%}
        {%- set condition = omniscore.erased_record_condition(model, relation, suppression) -%}
        {{ return(adapter.dispatch('without_erased_records', 'omniscore')(relation, condition)) }}
    {%- endif -%}
{%- endmacro %}

{#
    A tombstone's identifiers as hashes, so that the ones the suppression list does not
    hold yet (a new cookie that logged in with an erased contact id) join it in this build
    (int_erased_record_identifiers): `<type> <node key> <token key>;` for each declared
    identifier column of a staged or duplicate record (a quarantined record's fields may
    be shifted: it gives none). The on-run-end scrub clears them once the build is over.
#}
{% macro erased_identifier_keys(node) -%}
    {%- set entries = [] -%}
    {%- for column, kind in omniscore.erasure_columns(node)
        if kind not in ['identifier_value', 'node_key', 'raw_text'] -%}
        {%- set kind_literal = "'" ~ kind ~ "'" -%}
        {%- do entries.append(
            'case when ' ~ column ~ " is not null then '" ~ kind ~ " ' || "
            ~ omniscore.identifier_node_key(kind_literal, column) ~ " || ' ' || "
            ~ omniscore.erasure_token_key(kind_literal, column) ~ " || ';' else '' end"
        ) -%}
    {%- endfor -%}
    {%- if entries -%}
        case when quarantine_reason is null then nullif({{ entries | join(' || ') }}, '') end
    {%- else -%}
        cast(null as {{ dbt.type_string() }})
    {%- endif -%}
{%- endmacro %}

{# What an erased base record would have been: its quarantine reason, a duplicate, or staged. #}
{% macro erased_record_status() -%}
    coalesce(quarantine_reason, case when duplicate_rank > 1 then 'duplicate' else 'staged' end)
{%- endmacro %}

{# Spark SQL has no UNION BY NAME: the tombstones list the model's documented columns. #}
{% macro default__without_erased_records(relation, condition) -%}
    {%- set kept = ['source_file', 'source_line', 'line_count'] -%}
    {%- set added = ['is_erased', 'erased_from', 'erased_identifier_keys'] -%}
    {%- set columns = (model.columns or {}).keys() | reject('in', added) | list -%}
    {%- if 'source_file' not in columns or 'source_line' not in columns -%}
        {{ exceptions.raise_compiler_error(model.name ~ ': every column must be documented to write tombstones') }}
    {%- endif -%}
    select
        {%- for column in columns %}
            {{ column }},
        {%- endfor %}
        false as is_erased,
        cast(null as {{ dbt.type_string() }}) as erased_from,
        cast(null as {{ dbt.type_string() }}) as erased_identifier_keys
    from {{ relation }}
    where not {{ condition }}
    union all
    select
        {%- for column in columns %}
            {{ column if column in kept else 'null' }} as {{ column }},
        {%- endfor %}
        true as is_erased,
        {{ omniscore.erased_record_status() }} as erased_from,
        {{ omniscore.erased_identifier_keys(model) }} as erased_identifier_keys
    from {{ relation }}
    where {{ condition }}
{%- endmacro %}

{# DuckDB fills the tombstones' other columns with nulls by name, whatever the YAML documents. #}
{% macro duckdb__without_erased_records(relation, condition) -%}
    select
        *,
        false as is_erased,
        cast(null as varchar) as erased_from,
        cast(null as varchar) as erased_identifier_keys
    from {{ relation }}
    where not {{ condition }}
    union all by name
    select
        source_file,
        source_line,
        line_count,
        true as is_erased,
        {{ omniscore.erased_record_status() }} as erased_from,
        {{ omniscore.erased_identifier_keys(model) }} as erased_identifier_keys
    from {{ relation }}
    where {{ condition }}
{%- endmacro %}
