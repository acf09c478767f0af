{#
    Erasure requests that erased nobody: no identifier they reach (the contact id and
    email they name, and those on the named contact's quarantined CRM rows:
    int_erasure_identifiers) is an identifier of a person (int_identifiers_clustered). Either the warehouse holds
    nothing about them (a typo, a person never seen), or the identifier is seen but never
    links people (a placeholder or an over-linked value: is_blocked_identifier), in which
    case someone has to look. What they name is in the suppression list unless it is a
    placeholder or over-linked, so audit.quarantined_rows hides its records.
    A request that erased a person in an earlier build stays matched: its person's rows
    are gone from staging, but audit.erasure_suppression_list records what it erased.
    The identifiers are masked: the people named here asked to be forgotten.
#}

with

erasure_requests as (
    select
        request_key,
        request_id,
        contact_id,
        email,
        requested_at,
        source_file,
        source_line
    from {{ ref('stg_crm__erasure_requests') }}
),

person_identifiers as (
    select node_key
    from {{ ref('int_identifiers_clustered') }}
),

blocked_identifiers as (
    select node_key
    from {{ ref('int_identifiers_screened') }}
    where not is_linkable
),

named_identifiers as (
    select
        request_key,
        node_key
    from {{ ref('int_erasure_identifiers') }}
),

erased_earlier as (
    select request_key
    from {{ ref('erasure_suppression_list') }}
    where reached_by = 'erased_person'
),

matched_requests as (
    select distinct named_identifiers.request_key
    from named_identifiers
    inner join person_identifiers on named_identifiers.node_key = person_identifiers.node_key
    union
    select erased_earlier.request_key
    from erased_earlier
),

blocked_requests as (
    select distinct named_identifiers.request_key
    from named_identifiers
    inner join blocked_identifiers on named_identifiers.node_key = blocked_identifiers.node_key
),

final as (
    select
        -- keys
        erasure_requests.request_key,
        erasure_requests.request_id,
        -- identifiers, masked
        {{ omniscore.mask_identifier('erasure_requests.contact_id') }} as contact_id_masked,
        {{ omniscore.mask_identifier('erasure_requests.email') }} as email_masked,
        -- attributes
        erasure_requests.requested_at,
        blocked_requests.request_key is not null as is_blocked_identifier,
        -- lineage
        erasure_requests.source_file,
        erasure_requests.source_line
    from erasure_requests
    left join blocked_requests on erasure_requests.request_key = blocked_requests.request_key
    where erasure_requests.request_key not in (select matched_requests.request_key from matched_requests)
)

select * from final
