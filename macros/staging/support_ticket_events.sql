{#
    The interactions a support ticket yields, named once: `ticket_created` (dated by
    created_at) and, once solved, `ticket_solved` (dated by solved_at), each with the
    suffix of its natural key. base_support__tickets quarantines a ticket version when an
    event it yields is not in seeds/interaction_taxonomy.csv (it unpacks exactly these
    two, so a third fails compilation there until it is checked too);
    int_interactions_unioned turns every event whose date is set into an interaction.
#}
{% macro support_ticket_events() -%}
    {{ return([
        {'raw_event_name': 'ticket_created', 'key_suffix': 'created', 'occurred_at': 'created_at'},
        {'raw_event_name': 'ticket_solved', 'key_suffix': 'solved', 'occurred_at': 'solved_at'},
    ]) }}
{%- endmacro %}
