{#
    Every identifier an erasure request reaches, one row per (request, identifier): the
    contact id and email the request names and, when a named contact's CRM rows were
    quarantined (a field too many, a bad date), every identifier on those rows. Such a
    row was never staged, so nothing else links the contact id to the email or phone it
    gives, yet the row says they are the same person's. Read by
    int_identifiers_clustered (who is erased), audit.erasure_suppression_list (which
    screens out placeholders and over-linked values: the list is the one definition of
    what is erased, which every other model and the scrub read) and
    audit.erasure_requests_unmatched (which requests erased nobody).
#}

with

erasure_requests as (
    select
        request_key,
        contact_id,
        email
    from {{ ref('stg_crm__erasure_requests') }}
),

quarantined_contacts as (
    select
        {%- for identifier_type, column in omniscore.crm_contact_identifiers() %}
            {{ column }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ ref('base_crm__contacts') }}
    where quarantine_reason is not null
),

{# Two equi-joins rather than one join on `or`, which would compare every pair. #}
quarantined_contacts_named as (
    select
        erasure_requests.request_key,
        quarantined_contacts.*
    from erasure_requests
    inner join quarantined_contacts on erasure_requests.contact_id = quarantined_contacts.contact_id
    union
    select
        erasure_requests.request_key,
        quarantined_contacts.*
    from erasure_requests
    inner join quarantined_contacts on erasure_requests.email = quarantined_contacts.email
),

identifiers as (
    {{ omniscore.unpivot_identifiers([
        ('erasure_requests', [('request_key', 'request_key'), ('is_named_by_request', 'true')],
            [('contact_id', 'contact_id'), ('email', 'email')]),
        ('quarantined_contacts_named', [('request_key', 'request_key'), ('is_named_by_request', 'false')],
            omniscore.crm_contact_identifiers()),
    ]) | indent(4) }}
),

final as (
    select
        -- keys
        request_key,
        {{ omniscore.identifier_node_key('identifier_type', 'identifier_value') }} as node_key,
        -- attributes
        identifier_type,
        identifier_value,
        bool_or(is_named_by_request) as is_named_by_request
    from identifiers
    group by request_key, identifier_type, identifier_value
)

select * from final
