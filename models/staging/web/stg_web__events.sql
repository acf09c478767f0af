{# The staged web events: one row per kept record (not quarantined, first of its copies). #}

with

base as (
    select *
    from {{ ref('base_web__events') }}
),

final as (
    select
        event_id,
        occurred_at,
        event_name,
        cookie_id,
        contact_id,
        page_location,
        item_id,
        revenue_local,
        currency_code,
        revenue,
        utm_source,
        utm_medium,
        utm_campaign,
        device_category,
        country_code,
        source_file,
        source_line
    from base
    where duplicate_rank = 1
)

select * from final
