{#
    The quarantine as the business reads it: every record of
    int_quarantined_rows_unioned except those of a person with an erasure request.
    A quarantined record is not linked to anyone (it was never staged), so it is taken to
    be an erased person's when its raw text contains one of that person's identifiers:
    case-insensitively, and for phones by the last eight digits of the E.164 number in the
    record's text with phone punctuation removed. This errs on the side of removing a
    record; file_reconciliation counts the unfiltered quarantine, so counts still add up.
#}

with

quarantined as (
    select
        quarantine_id,
        channel,
        source_file,
        source_line,
        raw_record,
        reason,
        reason_detail
    from {{ ref('int_quarantined_rows_unioned') }}
),

erased_identifiers as (
    select
        identifier_type,
        identifier_value
    from {{ ref('int_identifiers_clustered') }}
    where is_erased
),

erasure_requests as (
    select
        contact_id,
        email
    from {{ ref('stg_crm__erasure_requests') }}
),

{#- Requests also count when their contact or email is in no staged record. #}

needles as (
    select lower(identifier_value) as needle
    from erased_identifiers
    where identifier_type != 'phone'
    union
    select lower(contact_id) as needle
    from erasure_requests
    where contact_id is not null
    union
    select lower(email) as needle
    from erasure_requests
    where email is not null
),

phone_needles as (
    select distinct {{ dbt.right('identifier_value', 8) }} as needle
    from erased_identifiers
    where identifier_type = 'phone'
),

searchable as (
    select
        quarantine_id,
        lower(raw_record) as record_text,
        {{ omniscore.regexp_replace_all('raw_record', '[ ()./+-]', '') }} as record_digits
    from quarantined
),

erased_records as (
    select searchable.quarantine_id
    from searchable
    inner join needles
        on {{ dbt.position('needles.needle', 'searchable.record_text') }} > 0
    union
    select searchable.quarantine_id
    from searchable
    inner join phone_needles
        on {{ dbt.position('phone_needles.needle', 'searchable.record_digits') }} > 0
),

final as (
    select quarantined.*
    from quarantined
    where quarantined.quarantine_id not in (select erased_records.quarantine_id from erased_records)
)

select * from final
