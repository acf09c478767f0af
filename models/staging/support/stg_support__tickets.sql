{# The staged support tickets: one row per kept record (not quarantined, first of its copies). #}

with

base as (
    select *
    from {{ ref('base_support__tickets') }}
),

final as (
    select
        ticket_id,
        created_at,
        updated_at,
        solved_at,
        email,
        phone,
        via_channel,
        subject,
        status,
        priority,
        satisfaction_rating,
        tags,
        source_file,
        source_line
    from base
    where duplicate_rank = 1
)

select * from final
