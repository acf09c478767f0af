{#
    1-5 bin of `value` among the rows of the window, higher values in higher bins (pass
    `descending=true` to put lower values higher, as recency days need):
    1 + floor(5 * (average rank - 1) / n). Ties: equal values always share one bin, the bin
    of the tied group's average rank, so a tie is neither pushed to the bottom nor lifted to
    the top of the positions it spans (everyone tied sits in bin 3), and a large tied group
    may leave neighbouring bins empty.
#}
{% macro quintile_with_ties(value, descending=false) -%}
    {%- set order = 'order by ' ~ value ~ (' desc' if descending else ' asc') -%}
    1 + cast(floor(
        5.0 * (
            rank() over ({{ order }})
            + (count(*) over (partition by {{ value }}) - 1) / 2.0
            - 1
        )
        / count(*) over ()
    ) as {{ dbt.type_int() }})
{%- endmacro %}
