{#
    The quarantine as the business reads it: every record of
    int_quarantined_rows_unioned except those of a person with an erasure request.
    A quarantined record is linked to no one (it was never staged), so it is taken to be
    an erased person's when one of its tokens is one of that person's identifiers
    (omniscore.record_tokens: text tokens lower-case without a leading `@`; phones by the
    last eight digits of each field, matched with the last eight digits of an E.164
    number). Matching whole tokens (an equi-join) keeps this fast at millions of records;
    it errs on the side of removing a record. Records of persons erased in earlier builds
    are tombstones in the base models and never reach int_quarantined_rows_unioned. file_reconciliation and `omniscore evaluate` count
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
    select distinct {{ omniscore.erasure_token_key('identifier_type', 'identifier_value') }} as token_key
    from identifiers_to_hide
),

tokens as (
    {{ omniscore.record_tokens('quarantined', 'raw_record') | indent(4) }}
),

erased_records as (
    select distinct quarantined.quarantine_id
    from quarantined
    inner join tokens on quarantined.raw_record = tokens.token_text
    inner join needles on tokens.token_key = needles.token_key
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
