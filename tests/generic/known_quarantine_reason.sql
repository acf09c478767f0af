{#
    Fails for every row whose `column_name` is not one of the reason codes of
    quarantine_reasons(), the single list that staging checks in order.
#}
{% test known_quarantine_reason(model, column_name) %}

select {{ column_name }}
from {{ model }}
where {{ column_name }} not in ('{{ omniscore.quarantine_reasons() | join("', '") }}')

{% endtest %}
