{#
    Turns non-negative decayed points into a 0-100 score that saturates:
    100 * p / (p + k) with k = `omniscore__engagement_half_score_points`, so k points score
    50, 3k score 75, and no amount of activity passes 100. Negative totals (unsubscribes,
    complaints outweighing the rest) score 0.
#}
{% macro saturating_score(points) -%}
    round(
        100.0 * greatest({{ points }}, 0)
        / (greatest({{ points }}, 0) + {{ var('omniscore__engagement_half_score_points') }}),
        1
    )
{%- endmacro %}
