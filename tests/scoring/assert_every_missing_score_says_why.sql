{#
    Never a silent null in customer_scores: a regression score is null exactly when its
    reason is set; a scoreable person has every rule-based score (engagement, lead cell,
    RFM segment, funnel stage); a person who is not scoreable has none.
#}

select
    customer_id,
    is_scoreable,
    not_scoreable_reason
from {{ ref('customer_scores') }}
where
    {%- for model in omniscore.scoring_models() %}
        (score_{{ model.name }} is null) = ({{ model.name }}_not_scored_reason is null)
        or
    {%- endfor %}
    (is_scoreable and (
        score_engagement is null or lead_matrix_cell is null or rfm_segment is null
        or funnel_stage_reached is null
    ))
    or (not is_scoreable and (
        not_scoreable_reason is null or score_engagement is not null or lead_matrix_cell is not null
    ))
