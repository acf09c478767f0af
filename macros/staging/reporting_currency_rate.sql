{#
    A one-row select over `exchange_rates` (currency_code, rate_to_usd) with column
    `reporting_rate_to_usd`: the USD value of one unit of omniscore__reporting_currency.
    Stops the query when the seed has no rate for it, since no amount could be converted.
#}
{% macro reporting_currency_rate(exchange_rates) -%}
    {%- set currency = var('omniscore__reporting_currency') -%}
    select
        case
            when max(rate_to_usd) is null
                then cast({{ omniscore.raise_error(
                    "'omniscore__reporting_currency " ~ currency ~ " has no rate in seeds/exchange_rates.csv'"
                ) }} as double)
            else max(rate_to_usd)
        end as reporting_rate_to_usd
    from {{ exchange_rates }}
    where currency_code = '{{ currency }}'
{%- endmacro %}
