-- What suite staging.stg_crm__contacts validates: one row per lifecycle stage with null
-- rates and plausibility counts of the staged contacts. The first column is the row's key.
select
    coalesce(lifecycle_stage, '(empty)') as lifecycle_stage,
    count(*) as row_count,
    avg((email is null)::int) as email__null_rate,
    avg((phone is null)::int) as phone__null_rate,
    avg((country_code is null)::int) as country_code__null_rate,
    count(*) filter (where not regexp_full_match(country_code, '[A-Z]{2}')) as country_code__invalid,
    avg((is_marketing_consented is null)::int) as is_marketing_consented__null_rate,
    avg((is_profiling_consented is null)::int) as is_profiling_consented__null_rate,
    min(year(birth_date)) as birth_date__min_year,
    count(*) filter (where birth_date > current_date - interval 13 year) as birth_date__under_13,
    count(*) filter (where created_at > updated_at) as created_at__after_updated_at
from staging.stg_crm__contacts
group by lifecycle_stage
order by lifecycle_stage
