{#
    Fails for every value of `column_name` that is not a band of `score_name` in
    seeds/score_bands.csv: the bands are configuration, so the accepted values are the
    seed's, not a list repeated here.
#}
{% test band_of_seed(model, column_name, score_name) %}

select {{ column_name }}
from {{ model }}
where
    {{ column_name }} is not null
    and {{ column_name }} not in (
        select band from {{ ref('score_bands') }} where score_name = '{{ score_name }}'
    )

{% endtest %}
