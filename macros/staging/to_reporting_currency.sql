{#
    An amount in a local currency converted to omniscore__reporting_currency through USD:
    amount * rate_to_usd(local) / rate_to_usd(reporting), as decimal(18, 4).
#}
{% macro to_reporting_currency(amount_local, rate_to_usd, reporting_rate_to_usd) -%}
    cast({{ amount_local }} * {{ rate_to_usd }} / {{ reporting_rate_to_usd }} as decimal(18, 4))
{%- endmacro %}
