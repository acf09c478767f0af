{#
    The regression models the scoring layer trains, each with its label window (days after
    the as-of date) and the persons it scores. One list, read by the snapshots, the
    training set and the marts, so a model is added or its window changed in one place
    (the windows themselves are vars).
#}
{% macro scoring_models() %}
    {{ return([
        {
            'name': 'propensity',
            'window_days': var('omniscore__propensity_window_days') | int,
            'description': 'probability of a purchase in the next window',
            'population': 'every scoreable person',
        },
        {
            'name': 'churn_risk',
            'window_days': var('omniscore__churn_window_days') | int,
            'description': 'probability of no purchase in the next window, among past buyers',
            'population': 'persons with a purchase before the as-of date',
        },
    ]) }}
{% endmacro %}
