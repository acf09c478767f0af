{#
    Every data record of every landed CRM contacts file, parsed once. A contact may be in
    several files: the version with the latest updated_at is staged (ties: last file,
    last line); older versions rank 2 and up (superseded). Phones become E.164 with the
    calling code of the contact's country, or omniscore__default_calling_code without one.
    updated_at must parse and lie in range; created_at may be empty (unknown) but, when
    written, must parse and lie in range too, else the record is quarantined. Unexpected
    values of lifecycle_stage are kept as exported (a warning names them): the contact's
    identifiers matter more than one attribute nobody expected.
#}

{{ config(materialized='table') }}

{%- set columns = [
    'contact_id', 'email', 'phone', 'first_name', 'last_name', 'loyalty_card_id', 'instagram_handle', 'country',
    'city', 'birth_date', 'lifecycle_stage', 'consent_marketing', 'consent_profiling', 'created_at', 'updated_at',
] -%}
{%- set default_calling_code = var('omniscore__default_calling_code') | string -%}

with

raw_files as (
    select
        filename,
        content
    from {{ source('crm', 'contacts') }}
),

calling_codes as (
    select
        country_code,
        calling_code,
        trunk_prefix
    from {{ ref('country_calling_codes') }}
),

default_calling_code as (
    select
        '{{ default_calling_code }}' as calling_code,
        max(trunk_prefix) as trunk_prefix
    from calling_codes
    where calling_code = '{{ default_calling_code }}'
),

{# The record reader's DuckDB field splitter uses a lambda, which sqlfluff cannot parse. #}
records as (
    {{ omniscore.read_csv_records('raw_files', columns) | indent(4) }} -- noqa: PRS
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
        created_at as created_at_raw,
        updated_at as updated_at_raw,
        phone as phone_raw,
        {{ omniscore.normalize_id('contact_id') }} as contact_id,
        {{ omniscore.normalize_email('email') }} as email,
        nullif(trim(first_name), '') as first_name,
        nullif(trim(last_name), '') as last_name,
        {{ omniscore.normalize_id('loyalty_card_id') }} as loyalty_card_id,
        {{ omniscore.normalize_handle('instagram_handle') }} as instagram_handle,
        nullif(upper(trim(country)), '') as country_code,
        nullif(trim(city), '') as city,
        {{ omniscore.try_cast('trim(birth_date)', 'date') }} as birth_date,
        nullif(lower(trim(lifecycle_stage)), '') as lifecycle_stage,
        {{ omniscore.parse_boolean_flag('consent_marketing') }} as is_marketing_consented,
        {{ omniscore.parse_boolean_flag('consent_profiling') }} as is_profiling_consented,
        {{ omniscore.parse_iso_timestamp_to_utc('trim(created_at)') }} as created_at,
        {{ omniscore.parse_iso_timestamp_to_utc('trim(updated_at)') }} as updated_at
    from records
),

{# A country missing from the seed leaves national numbers unresolved (null), never guessed. #}
with_calling_code as (
    select
        parsed.*,
        case
            when parsed.country_code is null then default_calling_code.calling_code
            else calling_codes.calling_code
        end as calling_code,
        case
            when parsed.country_code is null then default_calling_code.trunk_prefix
            else calling_codes.trunk_prefix
        end as trunk_prefix
    from parsed
    cross join default_calling_code
    left join calling_codes
        on parsed.country_code = calling_codes.country_code
),

normalized as (
    select
        *,
        {{ omniscore.normalize_phone('phone_raw', 'calling_code', 'trunk_prefix') }} as phone
    from with_calling_code
),

{%- set checks = {
    'wrong_column_count': (
        'field_count != column_count',
        "'expected ' || column_count || ' fields, found ' || field_count",
    ),
    'missing_required_value': ('contact_id is null', "'contact_id is empty'"),
    'invalid_timestamp': omniscore.any_value_check([
        ('updated_at', 'updated_at_raw', 'updated_at is null'),
        ('created_at', 'created_at_raw', omniscore.is_unparsed('created_at_raw', 'created_at')),
    ]),
    'timestamp_out_of_range': omniscore.any_value_check([
        ('updated_at', 'updated_at_raw', omniscore.is_timestamp_out_of_range('updated_at')),
        ('created_at', 'created_at_raw', omniscore.is_timestamp_out_of_range('created_at')),
    ]),
} %}

checked as (
    select
        *,
        {{ omniscore.first_quarantine_reason(checks) | indent(8) }} as quarantine_reason,
        {{ omniscore.first_quarantine_reason(checks, detail=true) | indent(8) }} as quarantine_detail
    from normalized
),

ranked as (
    select
        *,
        case
            when quarantine_reason is null
                then row_number() over (
                    partition by quarantine_reason is null, contact_id
                    order by updated_at desc, source_file desc, source_line desc
                )
        end as duplicate_rank
    from checked
),

final as (
    select
        -- keys
        contact_id,
        -- identifiers
        email,
        phone,
        loyalty_card_id,
        instagram_handle,
        -- attributes
        first_name,
        last_name,
        country_code,
        city,
        birth_date,
        lifecycle_stage,
        is_marketing_consented,
        is_profiling_consented,
        created_at,
        updated_at,
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
