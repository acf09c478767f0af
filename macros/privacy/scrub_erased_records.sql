{#
    On-run-end: once a build adds entries to the erasure suppression list, removes the
    erased persons' rows from every table that declares erasure columns
    (omniscore.erasure_columns): models with `meta.erasure_tombstones` (the base models)
    keep a tombstone per record (source_file and source_line, `is_erased`, `erased_from`,
    every other column null), the others lose the rows. The base models already skip
    what earlier builds erased; this removes what was read in the build that first saw
    the request (the identity graph needs a person's rows to find all their identifiers).
    Sources declare erasure columns the same way (audit.dq_validation_results, which
    `omniscore validate` writes). Models with `meta.erasure_refresh_after_scrub` (file_reconciliation) are then rebuilt
    from their compiled SQL so their counts show the tombstones. Views hold no rows.
#}
{% macro scrub_erased_records() -%}
    {%- if not execute or flags.WHICH not in ['run', 'build'] -%}
        {{ return('select 1') }}
    {%- endif -%}
    {%- set suppression = omniscore.erasure_suppression_relation() -%}
    {%- if suppression is none -%}
        {{ return('select 1') }}
    {%- endif -%}
    {%- set added = run_query(
        'select count(*) from ' ~ suppression ~ " where run_id = '" ~ invocation_id ~ "'"
    ).columns[0].values()[0] -%}
    {%- if added == 0 -%}
        {{ return('select 1') }}
    {%- endif -%}
    {%- set scrubbed = [] -%}
    {%- set nodes = (graph.nodes.values() | list) + (graph.sources.values() | list) -%}
    {%- for node in nodes | sort(attribute='unique_id') -%}
        {%- if node.resource_type in ['model', 'source'] and omniscore.erasure_columns(node) -%}
            {%- set relation = adapter.get_relation(
                database=node.database, schema=node.schema,
                identifier=node.alias if node.resource_type == 'model' else node.identifier,
            ) -%}
            {%- if relation is not none and not relation.is_view -%}
                {%- set condition = omniscore.erased_record_condition(node, relation, suppression) -%}
                {%- if (node.config.meta or {}).get('erasure_tombstones') -%}
                    {%- set kept = ['source_file', 'source_line', 'is_erased', 'erased_from'] -%}
                    {%- set assignments = [] -%}
                    {%- for column in adapter.get_columns_in_relation(relation) if column.name not in kept -%}
                        {%- do assignments.append(adapter.quote(column.name) ~ ' = null') -%}
                    {%- endfor -%}
                    {%- set statement -%}
                        update {{ relation }}
                        set
                            erased_from = {{ omniscore.erased_record_status() }},
                            is_erased = true,
                            {{ assignments | join(',\n                            ') }}
                        where not is_erased and {{ condition }}
                    {%- endset -%}
                {%- else -%}
                    {%- set statement -%}
                        delete from {{ relation }} where {{ condition }}
                    {%- endset -%}
                {%- endif -%}
                {%- do run_query(statement) -%}
                {%- do scrubbed.append(node.name) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for result in results if result.node.resource_type == 'model'
        and (result.node.config.meta or {}).get('erasure_refresh_after_scrub')
        and result.status == 'success' -%}
        {%- set relation = adapter.get_relation(
            database=result.node.database, schema=result.node.schema, identifier=result.node.alias
        ) -%}
        {%- if relation is not none -%}
            {%- do run_query('delete from ' ~ relation) -%}
            {%- do run_query('insert into ' ~ relation ~ ' select * from (' ~ result.node.compiled_code ~ ') as rebuilt') -%}
            {%- do scrubbed.append(result.node.name ~ ' (rebuilt)') -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do adapter.commit() -%}
    {%- do log('Erasure: ' ~ added ~ ' suppression entries added; scrubbed ' ~ scrubbed | join(', '), info=true) -%}
    {{ return('select 1') }}
{%- endmacro %}
