{#
    Identifiers first seen beside an erased person's: one row per (request, identifier) of
    a tombstoned record (a staged or duplicate record of an erased person, from a build
    after the request) that the suppression list does not hold yet. A new cookie logging
    in with an erased contact id, a re-exported contact with a new email: the record says
    they are the erased person's, so they are erased too (int_identifiers_clustered: the
    person they belong to; audit.erasure_suppression_list: their keys), unless they are
    placeholders or over-linked (screened as what a request names is). So every row is
    one the list takes, and the build's scrub deletes them all. Only hashes: the tombstones keep their identifiers' node and token keys
    (omniscore.erased_identifier_keys) until the build's scrub clears them. The request is
    the one whose list entry erased the record. The list is read as the previous build
    left it, without `ref` (the list reads this model), like the base models read it.
#}

{%- set base_models = [
    'base_crm__contacts',
    'base_web__events',
    'base_app__events',
    'base_email__activities',
    'base_pos__transactions',
    'base_support__tickets',
    'base_social__interactions',
] -%}
{%- set suppression = omniscore.erasure_suppression_relation() -%}

with

{% for base_model in base_models -%}
    {{ base_model }} as (
        select
            source_file,
            source_line,
            erased_identifier_keys
        from {{ ref(base_model) }}
        where erased_identifier_keys is not null
    ),

{% endfor -%}

tombstones as (
    {%- for base_model in base_models %}
        select * from {{ base_model }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

entries as (
    select
        source_file,
        source_line,
        {{ omniscore.split_to_rows('erased_identifier_keys', ';') }} as entry
    from tombstones
),

record_keys as (
    select
        source_file,
        source_line,
        {{ dbt.split_part('entry', "' '", 1) }} as identifier_type,
        {{ dbt.split_part('entry', "' '", 2) }} as node_key,
        {{ dbt.split_part('entry', "' '", 3) }} as token_key
    from entries
    where entry != ''
),

{% if suppression is none -%}
    suppressed as (
        select
            cast(null as {{ dbt.type_string() }}) as request_key,
            cast(null as {{ dbt.type_string() }}) as suppressed_key
        where false
    ),
{%- else -%}
    suppressed as (
        select
            request_key,
            suppressed_key
        from {{ suppression }}
        where key_kind = 'identifier'
    ),
{%- endif %}

{# Screened like what a request names: never a placeholder (of the seed, compared by the
   lower-case token key the tombstone keeps, or found so by the identity graph) nor an
   over-linked value. They are other people's too. #}
screened_out as (
    select node_key
    from {{ ref('int_identifiers_screened') }}
    where not is_linkable
),

blocked_token_keys as (
    select {{ omniscore.erasure_token_key('identifier_type', 'identifier_value') }} as token_key
    from {{ ref('blocked_identifiers') }}
),

erasing_requests as (
    select distinct
        record_keys.source_file,
        record_keys.source_line,
        suppressed.request_key
    from record_keys
    inner join suppressed on record_keys.node_key = suppressed.suppressed_key
),

final as (
    select distinct
        -- keys
        erasing_requests.request_key,
        record_keys.node_key,
        -- attributes
        record_keys.token_key,
        record_keys.identifier_type
    from record_keys
    inner join erasing_requests
        on
            record_keys.source_file = erasing_requests.source_file
            and record_keys.source_line = erasing_requests.source_line
    where
        record_keys.node_key not in (select suppressed.suppressed_key from suppressed)
        and record_keys.node_key not in (select screened_out.node_key from screened_out)
        and record_keys.token_key not in (select blocked_token_keys.token_key from blocked_token_keys)
)

select * from final
