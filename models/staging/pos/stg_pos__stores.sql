{#
    The staged pos stores: one row per kept record (not quarantined, first of its copies).

    The store master is one file rewritten in place (`pos/stores.csv`). When the landed
    version cannot be read as a whole (set aside: not UTF-8, a wrong delimiter, a missing
    column; audit.file_reconciliation and the build's failing check name it), the stores
    of the previous build are kept: otherwise one unreadable delivery would quarantine
    every POS transaction as `unknown_store` and take them out of the marts until a
    readable one lands. This table reads its own previous state while it is rebuilt, as
    int_identifiers_resolved does.
#}

{{ config(materialized='table') }}

{%- set previous_state = load_relation(this) %}

with

base as (
    select *
    from {{ ref('base_pos__stores') }}
),

landed as (
    select
        store_id,
        store_name,
        city,
        country_code,
        timezone
    from base
    where duplicate_rank = 1
),

{% if previous_state is not none -%}
    set_aside as (
        select count(*) as set_aside_files
        from base
        where quarantine_reason in {{ omniscore.set_aside_reasons() }}
    ),

    final as (
        select landed.*
        from landed
        where (select set_aside.set_aside_files from set_aside) = 0
        union all
        select
            previous.store_id,
            previous.store_name,
            previous.city,
            previous.country_code,
            previous.timezone
        from {{ previous_state }} as previous
        where (select set_aside.set_aside_files from set_aside) > 0
    )
{%- else -%}
    final as (
        select * from landed
    )
{%- endif %}

select * from final
