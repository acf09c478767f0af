{# The staged email activities: one row per kept record (not quarantined, first of its copies). #}

with

base as (
    select *
    from {{ ref('base_email__activities') }}
),

final as (
    select
        activity_id,
        email,
        campaign_id,
        campaign_name,
        action,
        occurred_at,
        url,
        bounce_type,
        source_file,
        source_line
    from base
    where duplicate_rank = 1
)

select * from final
