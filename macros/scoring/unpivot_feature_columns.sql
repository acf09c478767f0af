{#
    Long form of a wide feature table: one row per key and feature column (`feature_name`,
    `feature_value` as double) of `source` (a relation or CTE name), every column but
    `key_columns` and `exclude` taken as a feature. The columns are the table's own, so a
    feature added to int_customer_features reaches the coefficients join without a list kept
    in step. DuckDB unpivots by column pattern; the default (Spark) reads the column names of
    `columns_of` (the relation `source` selects from) in the catalogue and stacks them.
#}
{% macro unpivot_feature_columns(source, columns_of, key_columns, exclude=[]) -%}
    {{ return(adapter.dispatch('unpivot_feature_columns', 'omniscore')(source, columns_of, key_columns, exclude)) }}
{%- endmacro %}

{% macro default__unpivot_feature_columns(source, columns_of, key_columns, exclude=[]) -%}
    {%- set skipped = key_columns + exclude -%}
    {%- set features = [] -%}
    {%- for column in adapter.get_columns_in_relation(columns_of) if column.name not in skipped -%}
        {%- do features.append(column.name) -%}
    {%- endfor -%}
    select
        {{ key_columns | join(', ') }},
        stack(
            {{ features | length }},
            {%- for name in features %}
                '{{ name }}', cast({{ name }} as double){{ "," if not loop.last }}
            {%- endfor %}
        ) as (feature_name, feature_value)
    from {{ source }}
{%- endmacro %}

{% macro duckdb__unpivot_feature_columns(source, columns_of, key_columns, exclude=[]) -%}
    {%- set skipped = key_columns + exclude -%}
    select
        {{ key_columns | join(', ') }},
        feature_name,
        cast(feature_value as double) as feature_value
    from (
        unpivot (
            select
                {{ key_columns | join(', ') }},
                columns(* exclude ({{ skipped | join(', ') }}))::double
            from {{ source }}
        )
        on columns(* exclude ({{ key_columns | join(', ') }}))
        into name feature_name value feature_value
    )
{%- endmacro %}
