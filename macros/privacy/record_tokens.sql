{#
    A select of (token_text, token_key): one row per token of the text column `column` of
    `relation` (rows matching `where`, when given), keyed as omniscore.erasure_token_key
    keys identifiers:
      - text tokens: the text split at every character an identifier never contains,
        lower-cased, a leading `@` dropped;
      - phone tails: the last eight digits of each field (the text split at `,`, `;` and
        `"`) that has at least eight digits.
    token_text is the whole text, so a caller finds the texts holding a key with an
    equi-join, which stays fast at millions of records.
#}
{% macro record_tokens(relation, column, where=none) -%}
    {%- set filter = column ~ ' is not null' ~ (' and (' ~ where ~ ')' if where else '') -%}
    select
        words.token_text,
        {{ omniscore.text_token_key(
            'lower(' ~ omniscore.regexp_replace_all('words.word', '^@', '') ~ ')'
        ) }} as token_key
    from (
        select
            {{ column }} as token_text,
            {{ omniscore.split_to_rows(column, '[^A-Za-z0-9@._+-]+') }} as word
        from {{ relation }}
        where {{ filter }}
    ) as words
    where words.word != ''
    union all
    select
        field_digits.token_text,
        {{ omniscore.phone_tail_key(dbt.right('field_digits.digits', 8)) }} as token_key
    from (
        select
            fields.token_text,
            {{ omniscore.regexp_replace_all('fields.field', '[^0-9]', '') }} as digits
        from (
            select
                {{ column }} as token_text,
                {{ omniscore.split_to_rows(column, '[,;"]') }} as field
            from {{ relation }}
            where {{ filter }}
        ) as fields
    ) as field_digits
    where {{ dbt.length('field_digits.digits') }} >= 8
{%- endmacro %}
