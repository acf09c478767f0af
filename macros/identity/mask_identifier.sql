{#
    Masks an identifier for display: keeps the first two and last two characters and
    replaces the rest with `*` (`jane.doe@example.com` → `ja****************om`).
    Values of four characters or fewer are fully masked.
#}
{% macro mask_identifier(value) -%}
    case
        when length({{ value }}) <= 4 then repeat('*', length({{ value }}))
        else
            {{ dbt.concat([
                'substr(' ~ value ~ ', 1, 2)',
                "repeat('*', length(" ~ value ~ ") - 4)",
                'substr(' ~ value ~ ', length(' ~ value ~ ') - 1, 2)',
            ]) }}
    end
{%- endmacro %}
