{#
    Every change of a person's customer_id, with the dbt run that made it. Compares the
    identity map of this run with the one before (int_identifiers_resolved keeps both):
      - merge: identifiers of two or more previous persons now form one person;
      - split: a previous person's identifiers now belong to two or more persons
        (e.g. an identifier crossed the over-linking limit);
      - reassign: a person's anchor changed without a merge or split.
    Append-only history: `full_refresh: false`, so `dbt build --full-refresh` keeps it.

    Rows about erased persons are deleted by the post-hook, the whole chain of them: the
    erased persons' current customer ids (this build's, and those the suppression list
    recorded in earlier builds, whose identity rows are gone) and, transitively, every id that became one of
    them (B → A in an earlier run when A → C now and C is erased). Every row naming one of
    those ids goes, also a split's other branch (X → Y when X → C): X was partly the
    erased person, so the row is about them too. The recursion uses `union`, so a cycle
    (A → B, later B → A) ends.
#}

-- depends_on: {{ ref('erasure_suppression_list') }}

{#- A string, not rendered here: the hook renders it after the model is built. -#}
{%- set erased_chain = "
    with recursive erased_chain (customer_id) as (
        select customer_id from {{ ref('int_identifiers_clustered') }} where is_erased
        union
        select suppressed_key from {{ ref('erasure_suppression_list') }} where key_kind = 'customer'
        union
        select merges.previous_customer_id
        from {{ this }} as merges
        inner join erased_chain on merges.customer_id = erased_chain.customer_id
    )
    select customer_id from erased_chain
" -%}

{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        full_refresh=false,
        post_hook=[
            "delete from {{ this }} where previous_customer_id in (" ~ erased_chain ~ ")
            or customer_id in (" ~ erased_chain ~ ")",
        ],
    )
}}

with

resolved as (
    select
        node_key,
        customer_id,
        previous_customer_id
    from {{ ref('int_identifiers_resolved') }}
    where previous_customer_id is not null
),

moves as (
    select
        previous_customer_id,
        customer_id,
        count(*) as identifier_count
    from resolved
    group by previous_customer_id, customer_id
),

sources_per_customer as (
    select
        customer_id,
        count(*) as previous_count
    from moves
    group by customer_id
),

targets_per_previous as (
    select
        previous_customer_id,
        count(*) as target_count
    from moves
    group by previous_customer_id
),

final as (
    select
        cast('{{ invocation_id }}' as {{ dbt.type_string() }}) as run_id,
        cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as {{ dbt.type_timestamp() }}) as run_started_at,
        moves.previous_customer_id,
        moves.customer_id,
        moves.identifier_count,
        case
            when targets_per_previous.target_count > 1 then 'split'
            when sources_per_customer.previous_count > 1 then 'merge'
            else 'reassign'
        end as change_type
    from moves
    inner join sources_per_customer on moves.customer_id = sources_per_customer.customer_id
    inner join targets_per_previous on moves.previous_customer_id = targets_per_previous.previous_customer_id
    where moves.previous_customer_id != moves.customer_id
)

select * from final
