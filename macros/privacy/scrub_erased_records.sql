{#
    Removes the erased persons' rows from every table that declares erasure columns
    (omniscore.erasure_columns) and may still hold one: models with
    `meta.erasure_tombstones` (the base models) keep a tombstone per record (source_file,
    source_line and line_count, `is_erased`, `erased_from`, every other column null: the
    file's lines still reconcile in audit.file_reconciliation), the others lose
    the rows, and a tombstone's `erased_identifier_keys` (hashes its suppression list
    entries were drawn from during the build) are cleared. Sources declare erasure columns
    the same way (audit.dq_validation_results, which `omniscore validate` writes).

    On-run-end of every `run` and `build` whenever the suppression list has any entry, not
    only in the build that added keys: a build that failed (or was stopped) after adding
    keys, a table restored or rebuilt from an older state, or a table written outside dbt
    may still hold a suppressed key. The statements are idempotent (a tombstone is not
    matched again, a deleted row is gone) and each is a semi-join of the table with the
    list, so a scrub that finds nothing costs one scan of the declared columns.
    `dbt run-operation scrub_erased_records --args '{only: [dq_validation_results]}'`
    scrubs the named nodes only (`omniscore validate` runs it after appending results).

    Models with `meta.erasure_refresh_after_scrub` (file_reconciliation) built in this run
    are then rebuilt from their compiled SQL when the scrub made new tombstones, so their
    counts show them. Views hold no rows.
#}
{% macro scrub_erased_records(only=none) -%}
    {%- if not execute or flags.WHICH not in ['run', 'build', 'run-operation'] -%}
        {{ return('select 1') }}
    {%- endif -%}
    {%- set suppression = omniscore.erasure_suppression_relation() -%}
    {%- if suppression is none -%}
        {{ return('select 1') }}
    {%- endif -%}
    {%- set listed = run_query('select count(*) from ' ~ suppression).columns[0].values()[0] -%}
    {%- if listed == 0 -%}
        {{ return('select 1') }}
    {%- endif -%}
    {%- set started = modules.datetime.datetime.now() -%}
    {%- set changed = {} -%}
    {%- set tombstoned = [] -%}
    {%- set nodes = (graph.nodes.values() | list) + (graph.sources.values() | list) -%}
    {%- for node in nodes | sort(attribute='unique_id') -%}
        {%- if node.resource_type in ['model', 'source'] and (only is none or node.name in only)
            and omniscore.erasure_columns(node) -%}
            {%- set relation = adapter.get_relation(
                database=node.database, schema=node.schema,
                identifier=node.alias if node.resource_type == 'model' else node.identifier,
            ) -%}
            {%- if relation is not none and not relation.is_view -%}
                {%- set condition = omniscore.erased_record_condition(node, relation, suppression) -%}
                {%- set is_tombstoned = (node.config.meta or {}).get('erasure_tombstones') -%}
                {%- set column_names = adapter.get_columns_in_relation(relation) | map(attribute='name') | list -%}
                {%- if is_tombstoned -%}
                    {%- set kept = ['source_file', 'source_line', 'line_count', 'is_erased', 'erased_from'] -%}
                    {%- set assignments = [] -%}
                    {%- for column in column_names if column not in kept -%}
                        {%- do assignments.append(adapter.quote(column) ~ ' = null') -%}
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
                {%- set result = run_query(statement) -%}
                {%- set count = result.columns[0].values()[0] if result.columns and result.rows else 0 -%}
                {%- if is_tombstoned and only is none and 'erased_identifier_keys' in column_names -%}
                    {# The build is over: the suppression list has taken what it needed. #}
                    {%- do run_query(
                        'update ' ~ relation ~ ' set erased_identifier_keys = null'
                        ~ ' where erased_identifier_keys is not null'
                    ) -%}
                {%- endif -%}
                {%- if count -%}
                    {%- do changed.update({node.name: count}) -%}
                    {%- if is_tombstoned -%}
                        {%- do tombstoned.append(node.name) -%}
                    {%- endif -%}
                {%- endif -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if tombstoned and flags.WHICH != 'run-operation' -%}
        {%- for result in results if result.node.resource_type == 'model'
            and (result.node.config.meta or {}).get('erasure_refresh_after_scrub')
            and result.status == 'success' -%}
            {%- set relation = adapter.get_relation(
                database=result.node.database, schema=result.node.schema, identifier=result.node.alias
            ) -%}
            {%- if relation is not none -%}
                {%- do run_query('delete from ' ~ relation) -%}
                {%- do run_query('insert into ' ~ relation ~ ' select * from (' ~ result.node.compiled_code ~ ') as rebuilt') -%}
                {%- do changed.update({result.node.name ~ ' (rebuilt)': 0}) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- do adapter.commit() -%}
    {%- set seconds = (modules.datetime.datetime.now() - started).total_seconds() -%}
    {%- set summary = [] -%}
    {%- for name, count in changed.items() -%}
        {%- do summary.append(name ~ (': ' ~ count ~ ' rows' if count else '')) -%}
    {%- endfor -%}
    {%- do log(
        'Erasure scrub (' ~ listed ~ ' suppression entries, ' ~ '%.2f' | format(seconds) ~ ' s): '
        ~ (summary | join(', ') if summary else 'nothing left to remove'),
        info=true,
    ) -%}
    {{ return('select 1') }}
{%- endmacro %}
