{#
    The erasure suppression list: hashes of every identifier of every erased person, so
    that no later build keeps or brings back a row of theirs. One row per (key, request):
      - key_kind `identifier`: the identity graph's node key of the identifier
        (omniscore.identifier_node_key), matched with typed identifier columns;
      - key_kind `token`: the key of its raw-text form (omniscore.erasure_token_key),
        matched with the tokens of quarantined records;
      - key_kind `customer`: the customer_id the erased person had (already a hash), so
        tables keyed by customer (identity_merges' chain) still find them in later builds.
    reached_by `erased_person`: an identifier of a person (connected component) the
    request erased; `request`: one the request names (or that its contact's quarantined
    CRM rows give, if the identity graph knows it), also when it reached nobody, unless it
    is a placeholder or over-linked (it would suppress other people's rows);
    `erased_record`: one first seen beside an erased identifier on a later record of the
    person (int_erased_record_identifiers) that is in no person of the graph (one that is
    makes its person erased, listed as `erased_person`), screened the same way.
    No plain identifier is stored. Append-only and `full_refresh: false`: a full refresh
    re-reads the landing folder, and this list is what keeps the erased out of it. The
    base models read it (omniscore.without_erased_records) and the on-run-end hook
    omniscore.scrub_erased_records removes, at the end of every run while the list has
    entries, what a build read before its keys were added.
#}

{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        full_refresh=false,
        on_schema_change='fail',
    )
}}

with

clustered as (
    select
        node_key,
        identifier_type,
        identifier_value,
        customer_id,
        is_erased
    from {{ ref('int_identifiers_clustered') }}
),

request_identifiers as (
    select
        request_key,
        node_key,
        identifier_type,
        identifier_value,
        is_named_by_request
    from {{ ref('int_erasure_identifiers') }}
),

{# Identifiers seen beside an erased one on a later (tombstoned) record: hashes only. #}
record_identifiers as (
    select
        request_key,
        node_key,
        token_key,
        identifier_type
    from {{ ref('int_erased_record_identifiers') }}
),

screened as (
    select
        node_key,
        is_linkable
    from {{ ref('int_identifiers_screened') }}
),

blocked_identifiers as (
    select
        identifier_type,
        identifier_value
    from {{ ref('blocked_identifiers') }}
),

requests as (
    select
        request_key,
        request_id,
        requested_at
    from {{ ref('stg_crm__erasure_requests') }}
),

erasing_requests as (
    select distinct
        reaching.request_key,
        clustered.customer_id
    from (
        select
            request_key,
            node_key
        from request_identifiers
        union
        select
            request_key,
            node_key
        from record_identifiers
    ) as reaching
    inner join clustered on reaching.node_key = clustered.node_key
    where clustered.is_erased
),

erased_person_identifiers as (
    select
        erasing_requests.request_key,
        clustered.node_key,
        clustered.identifier_type,
        clustered.identifier_value,
        'erased_person' as reached_by
    from erasing_requests
    inner join clustered on erasing_requests.customer_id = clustered.customer_id
),

{# A placeholder or an over-linked value is other people's too: never suppressed. A value
   only a named contact's quarantined CRM row gives must also be one the identity graph
   knows: a row with a comma too many inside a name shifts every later field, and the
   surname found where the loyalty card should be would suppress every record naming it. #}
named_identifiers as (
    select
        request_identifiers.request_key,
        request_identifiers.node_key,
        request_identifiers.identifier_type,
        request_identifiers.identifier_value,
        'request' as reached_by
    from request_identifiers
    left join screened on request_identifiers.node_key = screened.node_key
    where
        coalesce(screened.is_linkable, true)
        and (request_identifiers.is_named_by_request or screened.node_key is not null)
        and not exists (
            select 1
            from blocked_identifiers
            where
                lower(blocked_identifiers.identifier_value) = lower(request_identifiers.identifier_value)
                and blocked_identifiers.identifier_type in (request_identifiers.identifier_type, 'any')
        )
),

{# An identifier seen beside an erased one (placeholders and over-linked values already
   screened out) that is in a person is listed with that person (erased_person); one seen
   only on an erased person's tombstones is in no person of the graph, listed by itself. #}
record_only_identifiers as (
    select
        record_identifiers.request_key,
        record_identifiers.node_key,
        record_identifiers.token_key,
        record_identifiers.identifier_type,
        'erased_record' as reached_by
    from record_identifiers
    left join screened on record_identifiers.node_key = screened.node_key
    where screened.node_key is null
),

{# Every identifier reached, with both its keys (key_kind `identifier` and `token`). #}
reached as (
    select
        request_key,
        node_key,
        {{ omniscore.erasure_token_key('identifier_type', 'identifier_value') }} as token_key,
        identifier_type,
        reached_by
    from (
        select * from erased_person_identifiers
        union all
        select * from named_identifiers
    ) as graph_identifiers
    union all
    select
        request_key,
        node_key,
        token_key,
        identifier_type,
        reached_by
    from record_only_identifiers
),

keys as (
    select
        request_key,
        node_key as suppressed_key,
        'identifier' as key_kind,
        identifier_type,
        reached_by
    from reached
    union all
    select
        request_key,
        token_key as suppressed_key,
        'token' as key_kind,
        identifier_type,
        reached_by
    from reached
    union all
    select
        request_key,
        customer_id as suppressed_key,
        'customer' as key_kind,
        'customer_id' as identifier_type,
        'erased_person' as reached_by
    from erasing_requests
),

{# A key reached both ways is the erased person's. #}
deduplicated as (
    select
        request_key,
        suppressed_key,
        key_kind,
        min(identifier_type) as identifier_type,
        min(reached_by) as reached_by
    from keys
    group by request_key, suppressed_key, key_kind
),

{% if is_incremental() -%}
    new_keys as (
        select deduplicated.*
        from deduplicated
        where not exists (
            select 1
            from {{ this }} as listed
            where
                listed.request_key = deduplicated.request_key
                and listed.suppressed_key = deduplicated.suppressed_key
                and listed.key_kind = deduplicated.key_kind
        )
    ),
{%- else -%}
    new_keys as (
        select * from deduplicated
    ),
{%- endif %}

final as (
    select
        -- keys
        cast(new_keys.suppressed_key as {{ dbt.type_string() }}) as suppressed_key,
        cast(new_keys.key_kind as {{ dbt.type_string() }}) as key_kind,
        cast(new_keys.request_key as {{ dbt.type_string() }}) as request_key,
        -- attributes
        cast(new_keys.identifier_type as {{ dbt.type_string() }}) as identifier_type,
        cast(new_keys.reached_by as {{ dbt.type_string() }}) as reached_by,
        cast(requests.request_id as {{ dbt.type_string() }}) as request_id,
        cast(requests.requested_at as {{ dbt.type_timestamp() }}) as requested_at,
        -- metadata
        cast('{{ invocation_id }}' as {{ dbt.type_string() }}) as run_id,
        cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as {{ dbt.type_timestamp() }}) as erased_at
    from new_keys
    left join requests on new_keys.request_key = requests.request_key
)

select * from final
