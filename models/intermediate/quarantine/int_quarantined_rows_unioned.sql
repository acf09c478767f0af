{#
    One row per quarantined raw record of every channel: where it is (file, line), what it
    said (raw_record) and why it was set aside (reason, reason_detail). Broken records are
    never deduplicated: one delivered twice is here twice.
    The base models decide the reason; this model only gathers them. It keeps every
    quarantined record (the reconciliation and `omniscore evaluate` count them);
    audit.quarantined_rows is what the business reads, without erased persons' records.
#}

{%- set base_models = [
    ('crm', 'base_crm__contacts'),
    ('crm', 'base_crm__erasure_requests'),
    ('web', 'base_web__events'),
    ('app', 'base_app__events'),
    ('email', 'base_email__activities'),
    ('pos', 'base_pos__stores'),
    ('pos', 'base_pos__transactions'),
    ('support', 'base_support__tickets'),
    ('social', 'base_social__interactions'),
] -%}

with

{% for channel, base_model in base_models -%}
    {{ base_model }} as (
        select
            '{{ channel }}' as channel,
            source_file,
            source_line,
            raw_record,
            quarantine_reason,
            quarantine_detail
        from {{ ref(base_model) }}
        where quarantine_reason is not null
    ),

{% endfor -%}

unioned as (
    {%- for channel, base_model in base_models %}
        select * from {{ base_model }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select
        -- keys
        {{ omniscore.hash_key(['source_file', 'source_line']) }} as quarantine_id,
        -- attributes
        channel,
        source_file,
        source_line,
        raw_record,
        quarantine_reason as reason,
        quarantine_detail as reason_detail
    from unioned
)

select * from final
