{# The staged crm erasure requests: one row per kept record (not quarantined, first of its copies). #}

with

base as (
    select *
    from {{ ref('base_crm__erasure_requests') }}
),

final as (
    select
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
