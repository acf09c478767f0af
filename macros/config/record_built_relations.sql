{#
    On-run-end of `dbt run` / `dbt build`: appends to audit.built_relations one row per
    model, seed or snapshot this invocation built successfully (its `results`), as
    `<schema>.<alias>`, the name `omniscore validate`'s suites use. A relation the
    invocation did not select, that failed or was skipped gets no row, so the latest
    row of a relation names the invocation (audit.build_vars: its vars) whose settings
    it holds. `omniscore validate` judges each suite with those vars: a partial
    `dbt run -s one_model --vars ...` changes them for that model's suite only.
#}
{% macro record_built_relations(results) %}
    {%- if not execute or flags.WHICH not in ['run', 'build'] -%}
        {{ return('select 1') }}
    {%- endif -%}
    {%- set relation = api.Relation.create(database=target.database, schema='audit', identifier='built_relations') -%}
    {%- set built = [] -%}
    {%- for result in results
        if result.node.resource_type in ['model', 'seed', 'snapshot'] and result.status == 'success' -%}
        {%- do built.append(result.node.schema ~ '.' ~ (result.node.alias or result.node.name)) -%}
    {%- endfor -%}
    {%- set text = dbt.type_string() -%}
    {%- do run_query('create schema if not exists ' ~ relation.without_identifier()) -%}
    {%- do run_query(
        'create table if not exists ' ~ relation ~ ' (invocation_id ' ~ text ~ ' not null, '
        ~ 'relation_name ' ~ text ~ ' not null)'
    ) -%}
    {%- if built -%}
        {%- set statement -%}
            insert into {{ relation }} (invocation_id, relation_name)
            values
            {%- for name in built | sort %}
                ({{ omniscore.sql_string_literal(invocation_id) }}, {{ omniscore.sql_string_literal(name) }}){{ ',' if not loop.last }}
            {%- endfor %}
        {%- endset -%}
        {%- do run_query(statement) -%}
    {%- endif -%}
    select 1
{% endmacro %}
