{#
    The quarantine as the business reads it: every record of
    int_quarantined_rows_unioned except those of a person with an erasure request.
    A quarantined record is linked to no one (it was never staged), so it is taken to be
    an erased person's when one of its tokens is one of that person's identifiers:
      - text tokens: the record split at every character an identifier never contains,
        lower-cased, a leading `@` dropped (emails, ids, cookies, devices, cards, handles);
      - phone tokens: the last eight digits of each field (the record split at `,`, `;`
        and `"`) that has at least eight, matched with the last eight digits of an E.164
        number.
    Matching whole tokens (an equi-join) keeps this fast at millions of records; it errs
    on the side of removing a record. file_reconciliation and `omniscore evaluate` count
    the unfiltered quarantine, so the counts still add up.

    A quarantined erasure request (wrong number of fields, or naming no identifier) is
    itself a person asking to be forgotten, and its fields cannot be told apart, so its
    raw_record is withheld (null) whether or not another request names the same person;
    file, line and reason stay, so the request can be followed up in the landing file.
    When a token of it is an erased person's identifier the record is dropped like any other.
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

{# What requests reach counts also when it is in no staged record. #}
erasure_identifiers as (
    select
        identifier_type,
        identifier_value
    from {{ ref('int_erasure_identifiers') }}
),

identifiers_to_hide as (
    select
        identifier_type,
        identifier_value
    from erased_identifiers
    union
    select
        identifier_type,
        identifier_value
    from erasure_identifiers
),

needles as (
    select lower(identifier_value) as token
    from identifiers_to_hide
    where identifier_type != 'phone'
    union
    select {{ dbt.right('identifier_value', 8) }} as token
    from identifiers_to_hide
    where identifier_type = 'phone'
),

words as (
    select
        quarantine_id,
        {{ omniscore.split_to_rows('raw_record', '[^A-Za-z0-9@._+-]+') }} as word
    from quarantined
),

fields as (
    select
        quarantine_id,
        {{ omniscore.split_to_rows('raw_record', '[,;"]') }} as field
    from quarantined
),

field_digits as (
    select
        quarantine_id,
        {{ omniscore.regexp_replace_all('field', '[^0-9]', '') }} as digits
    from fields
),

tokens as (
    select
        quarantine_id,
        lower({{ omniscore.regexp_replace_all('word', '^@', '') }}) as token
    from words
    where word != ''
    union all
    select
        quarantine_id,
        {{ dbt.right('digits', 8) }} as token
    from field_digits
    where {{ dbt.length('digits') }} >= 8
),

erased_records as (
    select distinct tokens.quarantine_id
    from tokens
    inner join needles on tokens.token = needles.token
),

{# The columns keep the order of int_quarantined_rows_unioned, so ST06 is waived. #}
final as (
    select -- noqa: ST06
        quarantined.quarantine_id,
        quarantined.channel,
        quarantined.source_file,
        quarantined.source_line,
        case
            when quarantined.source_file like 'crm/erasure_requests_%' then null
            else quarantined.raw_record
        end as raw_record,
        quarantined.reason,
        quarantined.reason_detail
    from quarantined
    where quarantined.quarantine_id not in (select erased_records.quarantine_id from erased_records)
)

select * from final
