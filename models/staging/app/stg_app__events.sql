{# The staged app events: one row per kept record (not quarantined, first of its copies). #}

with

base as (
    select *
    from {{ ref('base_app__events') }}
),

final as (
    select
        event_id,
        occurred_at,
        event_name,
        device_id,
        contact_id,
        platform,
        app_version,
        product_id,
        price_local,
        quantity,
        revenue_local,
        currency_code,
        revenue,
        source_file,
        source_line
    from base
    where duplicate_rank = 1
)

select * from final
