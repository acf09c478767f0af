{#
    Every data record of the landed store master (semicolon-separated), parsed once.
    A store listed more than once keeps its last usable record (by file, then line), as a
    later line of a master corrects an earlier one. A record without a store id or a time
    zone is quarantined (`missing_required_value`): without the zone no transaction time can
    be read, so the store is not staged and its transactions are quarantined as
    `unknown_store`, while the other stores build on. A time zone that is written but that
    the database does not know is kept as exported; transactions of that store are
    quarantined as `invalid_timestamp`.
#}

{{ config(materialized='table') }}

{%- set columns = ['store_id', 'store_name', 'city', 'country', 'timezone'] -%}

with

raw_files as (
    select
        filename,
        content
    from {{ source('pos', 'stores') }}
),

{# The record reader's DuckDB field splitter uses a lambda, which sqlfluff cannot parse. #}
records as (
    {{ omniscore.read_csv_records('raw_files', columns, delimiter=';') | indent(4) }} -- noqa: PRS
),

parsed as (
    select
        source_file,
        source_line,
        line_count,
        reader_reason,
        reader_detail,
        raw_record,
        field_count,
        column_count,
        {{ omniscore.normalize_id('store_id') }} as store_id,
        nullif(trim(store_name), '') as store_name,
        nullif(trim(city), '') as city,
        nullif(upper(trim(country)), '') as country_code,
        nullif(trim(timezone), '') as timezone
    from records
),

{%- set checks = {
    'wrong_column_count': (
        'field_count != column_count',
        "'expected ' || column_count || ' fields, found ' || field_count",
    ),
    'missing_required_value': (
        'store_id is null or timezone is null',
        "case when store_id is null then 'store_id is empty' else 'timezone is empty' end",
    ),
} %}

checked as (
    select
        *,
        {{ omniscore.first_quarantine_reason(checks) | indent(8) }} as quarantine_reason,
        {{ omniscore.first_quarantine_reason(checks, detail=true) | indent(8) }} as quarantine_detail
    from parsed
),

ranked as (
    select
        *,
        case
            when quarantine_reason is null
                then row_number() over (
                    partition by quarantine_reason is null, store_id
                    order by source_file desc, source_line desc
                )
        end as duplicate_rank
    from checked
),

final as (
    select
        -- keys
        store_id,
        -- attributes
        store_name,
        city,
        country_code,
        timezone,
        -- lineage and accounting
        source_file,
        source_line,
        line_count,
        raw_record,
        quarantine_reason,
        quarantine_detail,
        duplicate_rank
    from ranked
)

{# Erased persons' records become tombstones (file and line only). #}
{{ omniscore.without_erased_records('final') }}
