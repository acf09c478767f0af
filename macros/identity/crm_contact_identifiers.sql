{#
    The identifiers a CRM contact row carries, as (identifier type, column of
    base_crm__contacts) pairs: the one list for the identity graph and for erasure.
#}
{% macro crm_contact_identifiers() -%}
    {{ return([
        ('contact_id', 'contact_id'),
        ('email', 'email'),
        ('phone', 'phone'),
        ('loyalty_card', 'loyalty_card_id'),
        ('social_handle', 'instagram_handle'),
    ]) }}
{%- endmacro %}
