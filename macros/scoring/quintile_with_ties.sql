{#
    1-5 bin of `value` among the rows of the window, higher values in higher bins (pass
    `descending=true` to put lower values higher, as recency days need). Ties: equal values
    always share one bin, the bin of the tied group's first position
    (1 + floor(5 * (rank - 1) / n)), so a group that spans a quintile boundary starts
    where its first member falls and a large tied group may leave bins empty (with half
    the buyers on one purchase day, frequency has no 2).
#}
{% macro quintile_with_ties(value, descending=false) -%}
    1 + cast(floor(
        5.0 * (rank() over (order by {{ value }} {{ 'desc' if descending else 'asc' }}) - 1)
        / count(*) over ()
    ) as {{ dbt.type_int() }})
{%- endmacro %}
