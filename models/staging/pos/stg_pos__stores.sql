{# The staged pos stores: one row per kept record (not quarantined, first of its copies). #}

with

base as (
    select *
    from {{ ref('base_pos__stores') }}
),

final as (
    select
        store_id,
        store_name,
        city,
        country_code,
        timezone
    from base
    where duplicate_rank = 1
)

select * from final
