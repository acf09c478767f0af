{#
    The staged crm erasure requests: one row per request (request_key), the first of its
    copies. Every request that names a contact id or an email is here, also one without a
    request_id or with an unparseable requested_at (null then).
#}

with

base as (
    select *
    from {{ ref('base_crm__erasure_requests') }}
),

final as (
    select
        request_key,
        request_id,
        contact_id,
        email,
        requested_at,
        source_file,
        source_line
    from base
    where duplicate_rank = 1
)

select * from final
