{#
    The last step of every base model: `select` of the model's rows from `relation` (its
    final CTE), plus `is_erased` and `erased_from`. A record of an erased person (a
    declared identifier column or raw-text token in the suppression list,
    omniscore.erased_record_condition) becomes a tombstone: its source_file,
    source_line and line_count stay, so the file still reconciles (audit.file_reconciliation counts it as
    erased), `erased_from` says what it would have been (`staged`, `duplicate`, or its
    quarantine reason; the generator's counts still compare) and every other column is
    null. So re-reading the landing folder (`--full-refresh`, a re-delivered file, a late
    file) never brings an erased person back. Before the list exists, nothing is erased.
#}
{% macro without_erased_records(relation) -%}
    {%- set suppression = omniscore.erasure_suppression_relation() -%}
    {%- if suppression is none or not omniscore.erasure_columns(model) -%}
        select
            *,
            false as is_erased,
            cast(null as {{ dbt.type_string() }}) as erased_from
        from {{ relation }}
    {%- else -%}
        {%- set condition = omniscore.erased_record_condition(model, relation, suppression) -%}
        {{ return(adapter.dispatch('without_erased_records', 'omniscore')(relation, condition)) }}
    {%- endif -%}
{%- endmacro %}

{# What an erased base record would have been: its quarantine reason, a duplicate, or staged. #}
{% macro erased_record_status() -%}
    coalesce(quarantine_reason, case when duplicate_rank > 1 then 'duplicate' else 'staged' end)
{%- endmacro %}

{# Spark SQL has no UNION BY NAME: the tombstones list the model's documented columns. #}
{% macro default__without_erased_records(relation, condition) -%}
    {%- set kept = ['source_file', 'source_line', 'line_count'] -%}
    {%- set columns = (model.columns or {}).keys() | reject('in', ['is_erased', 'erased_from']) | list -%}
    {%- if 'source_file' not in columns or 'source_line' not in columns -%}
        {{ exceptions.raise_compiler_error(model.name ~ ': every column must be documented to write tombstones') }}
    {%- endif -%}
    select
        {%- for column in columns %}
            {{ column }},
        {%- endfor %}
        false as is_erased,
        cast(null as {{ dbt.type_string() }}) as erased_from
    from {{ relation }}
    where not {{ condition }}
    union all
    select
        {%- for column in columns %}
            {{ column if column in kept else 'null' }} as {{ column }},
        {%- endfor %}
        true as is_erased,
        {{ omniscore.erased_record_status() }} as erased_from
    from {{ relation }}
    where {{ condition }}
{%- endmacro %}

{# DuckDB fills the tombstones' other columns with nulls by name, whatever the YAML documents. #}
{% macro duckdb__without_erased_records(relation, condition) -%}
    select
        *,
        false as is_erased,
        cast(null as varchar) as erased_from
    from {{ relation }}
    where not {{ condition }}
    union all by name
    select
        source_file,
        source_line,
        line_count,
        true as is_erased,
        {{ omniscore.erased_record_status() }} as erased_from
    from {{ relation }}
    where {{ condition }}
{%- endmacro %}
