{# The staged crm contacts: one row per kept record (not quarantined, first of its copies). #}

with

base as (
    select *
    from {{ ref('base_crm__contacts') }}
),

final as (
    select
        contact_id,
        email,
        phone,
        first_name,
        last_name,
        loyalty_card_id,
        instagram_handle,
        country_code,
        city,
        birth_date,
        lifecycle_stage,
        is_marketing_consented,
        is_profiling_consented,
        created_at,
        updated_at,
        source_file,
        source_line
    from base
    where duplicate_rank = 1
)

select * from final
