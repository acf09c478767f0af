{#
    One row per interaction of every channel, attributed to a person.

    Incremental and idempotent (merge on interaction_id). A run re-reads:
      - rows of files not loaded before (new batches, re-deliveries: their repeats were
        already dropped in staging, so they change nothing);
      - rows that occurred within `omniscore__lookback_days` of the newest loaded one;
      - rows whose person changed: the customer_id stored with the row is not the one
        the current identifier map (int_identifiers_clustered) gives it (merged away,
        split, moved). The comparison is with what is stored, not with the identity
        run's own diff, so a run that skipped this model after identity changed is
        caught up by the next one that builds it.
    Merging only inserts and updates, so two hooks delete what a full refresh would not
    hold: before the merge, rows whose interaction_id int_interactions_unioned no longer
    produces (a reopened ticket's `solved`, a row since quarantined or unmapped; a hash
    anti-join on the key); after it, erased persons' rows. After any sequence of runs the
    table equals a full refresh on the same files (python/tests/test_warehouse_end_to_end.py).
#}

{{
    config(
        materialized='incremental',
        unique_key='interaction_id',
        incremental_strategy='merge',
        on_schema_change='fail',
        pre_hook=[
            "{% if is_incremental() %}{{ omniscore.delete_vanished_rows(
                this, ref('int_interactions_unioned'), 'interaction_id'
            ) }}{% endif %}",
        ],
        post_hook=[
            "delete from {{ this }} where customer_id in (
                select customer_id from {{ ref('int_identifiers_clustered') }} where is_erased
            )",
        ],
    )
}}

with

interactions as (
    select
        interaction_id,
        channel,
        raw_event_name,
        interaction_type,
        funnel_stage,
        occurred_at,
        order_id,
        revenue,
        preferred_node_key,
        fallback_node_key,
        source_file,
        source_line
    from {{ ref('int_interactions_unioned') }}
),

identifiers as (
    select
        node_key,
        customer_id,
        is_erased
    from {{ ref('int_identifiers_clustered') }}
),

attributed as (
    select
        interactions.*,
        coalesce(preferred.customer_id, fallback.customer_id) as customer_id,
        coalesce(preferred.is_erased, fallback.is_erased, false) as is_erased
    from interactions
    left join identifiers as preferred on interactions.preferred_node_key = preferred.node_key
    left join identifiers as fallback on interactions.fallback_node_key = fallback.node_key
),

{% if is_incremental() -%}
    loaded as (
        select
            interaction_id,
            customer_id,
            occurred_at,
            source_file
        from {{ this }}
    ),

    loaded_files as (
        select distinct source_file from loaded
    ),

    to_refresh as (
        select attributed.*
        from attributed
        left join loaded on attributed.interaction_id = loaded.interaction_id
        where
            attributed.source_file not in (select loaded_files.source_file from loaded_files)
            or attributed.occurred_at >= (
                select
                    {{ dbt.dateadd('day', -1 * var('omniscore__lookback_days'), 'max(loaded.occurred_at)') }}
                from loaded
            )
            or loaded.interaction_id is null
            or attributed.customer_id is distinct from loaded.customer_id
    ),
{%- else -%}
    to_refresh as (
        select * from attributed
    ),
{%- endif %}

final as (
    select
        -- keys
        cast(interaction_id as {{ dbt.type_string() }}) as interaction_id,
        -- foreign keys
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(channel as {{ dbt.type_string() }}) as channel,
        -- attributes
        cast(interaction_type as {{ dbt.type_string() }}) as interaction_type,
        cast(funnel_stage as {{ dbt.type_string() }}) as funnel_stage,
        cast(raw_event_name as {{ dbt.type_string() }}) as raw_event_name,
        cast(occurred_at as {{ dbt.type_timestamp() }}) as occurred_at,
        cast(occurred_at as date) as occurred_date,
        cast(order_id as {{ dbt.type_string() }}) as order_id,
        -- measures (reporting currency)
        cast(revenue as decimal(18, 2)) as revenue,
        -- metadata
        cast(source_file as {{ dbt.type_string() }}) as source_file,
        cast(source_line as {{ dbt.type_bigint() }}) as source_line
    from to_refresh
    where not is_erased
)

select * from final
