{#
    A feature value as a reason shows it, by seeds/score_features.csv's value_format:
    integer (`12`), percent (`35%`), money (`123.40 USD`, the reporting currency) or
    decimal (`0.25`).
#}
{% macro format_feature_value(value, value_format) -%}
    case {{ value_format }}
        when 'percent' then {{ dbt.concat([
            dbt.cast('cast(round(100 * ' ~ value ~ ') as ' ~ dbt.type_bigint() ~ ')', dbt.type_string()), "'%'"
        ]) }}
        when 'money' then {{ dbt.concat([
            dbt.cast('round(' ~ value ~ ', 2)', dbt.type_string()),
            "' " ~ var('omniscore__reporting_currency') ~ "'",
        ]) }}
        when 'decimal' then {{ dbt.cast('round(' ~ value ~ ', 2)', dbt.type_string()) }}
        else {{ dbt.cast('cast(round(' ~ value ~ ') as ' ~ dbt.type_bigint() ~ ')', dbt.type_string()) }}
    end
{%- endmacro %}
