{#
    Keys of the raw-text form of identifiers, so that a quarantined record (never parsed
    into typed columns) can be matched with an erased person's identifiers without the
    suppression list holding the identifiers: a text token is hashed lower-case without a
    leading `@` (emails, ids, cookies, devices, cards, handles); a phone by the last eight
    digits of its E.164 number, as a field of a raw record writes it in any punctuation.

    erasure_token_key(type, value): the key of a normalised identifier;
    text_token_key(token) / phone_tail_key(digits): the keys of the tokens of a record
    (omniscore.record_tokens).
#}
{% macro erasure_token_key(identifier_type, identifier_value) -%}
    case
        when {{ identifier_type }} = 'phone'
            then {{ omniscore.phone_tail_key(dbt.right(identifier_value, 8)) }}
        else {{ omniscore.text_token_key('lower(' ~ identifier_value ~ ')') }}
    end
{%- endmacro %}

{% macro text_token_key(token) -%}
    md5('token:' || {{ token }})
{%- endmacro %}

{% macro phone_tail_key(digits) -%}
    md5('phone:' || {{ digits }})
{%- endmacro %}
