{# The staged social interactions: one row per kept record (not quarantined, first of its copies). #}

with

base as (
    select *
    from {{ ref('base_social__interactions') }}
),

final as (
    select
        interaction_id,
        platform,
        handle,
        interaction_type,
        occurred_at,
        text,
        sentiment,
        source_file,
        source_line
    from base
    where duplicate_rank = 1
)

select * from final
