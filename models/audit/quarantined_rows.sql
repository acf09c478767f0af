{#
    The quarantine as the business reads it: every record of
    int_quarantined_rows_unioned except those of erased persons. A quarantined record is
    linked to no one (it was never staged), so it is taken to be an erased person's when
    one of its tokens is in the erasure suppression list (key_kind `token`): the same list
    and the same condition (omniscore.erased_record_condition) as the base models' filter
    and the on-run-end scrub, so there is one definition of "erased". Text tokens are
    compared lower-case without a leading `@`, phones by the last eight digits of each
    field (omniscore.record_tokens); matching whole tokens (an equi-join) keeps this fast
    at millions of records. A placeholder or over-linked value a request names is not in
    the list (it is other people's too), so it hides nobody's records. Records of persons
    erased in earlier builds are tombstones in the base models and never reach
    int_quarantined_rows_unioned. file_reconciliation and `omniscore evaluate` count the
    unfiltered quarantine, so the counts still add up.

    A quarantined erasure request (wrong number of fields, or naming no identifier) is
    itself a person asking to be forgotten, and its fields cannot be told apart, so its
    raw_record is withheld (null) whether or not another request names the same person;
    file, line and reason stay, so the request can be followed up in the landing file.
    When a token of it is in the suppression list the record is dropped like any other.
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

{# The one definition of "erased": the suppression list, as this build leaves it (what it
   adds for this build's requests included). #}
suppression as (
    select
        suppressed_key,
        key_kind
    from {{ ref('erasure_suppression_list') }}
),

{# The columns keep the order of int_quarantined_rows_unioned, so ST06 is waived. The
   filter is the raw_text term of omniscore.erased_record_condition (its YAML declares
   raw_record `raw_text`), called directly so that the unit test, where `model` is the
   test and has no columns, tests it too. #}
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
    where not coalesce(
        {{ omniscore.erased_text_condition('quarantined', 'quarantined.raw_record', 'suppression') }},
        false
    )
)

select * from final
