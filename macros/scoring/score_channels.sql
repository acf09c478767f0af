{#
    The channels with a per-channel feature or sub-score, in display order. The same six
    as seeds/channels.csv; a new channel joins the scores by being added here and there.
#}
{% macro score_channels() %}
    {{ return(['web', 'app', 'email', 'pos', 'support', 'social']) }}
{% endmacro %}
