{#
    On-run-start, after the settings were checked: records the vars given on the command
    line of this `dbt run` / `dbt build` (`--vars`, as dbt parsed them) in
    audit.build_vars, one row per invocation; on-run-end, record_built_relations adds the
    relations it built successfully (audit.built_relations). `omniscore validate` judges
    each suite with the vars of the invocation that last built the suite's relation
    (dbt_project.yml's defaults with these merged over them), so `dbt build --vars
    '{omniscore__min_holdout_auc: 0.6}'` followed by a plain `omniscore validate` uses 0.6,
    and a later `dbt run -s one_model --vars ...` changes the vars of that model's suite
    only. Kept in the warehouse, not read
    from target/run_results.json: target/ is rewritten by every dbt command (a `dbt test`
    or `dbt docs generate` with other vars) and belongs to the project folder, while a
    warehouse file may be built from another one. Other commands record nothing.
#}
{% macro record_build_vars() %}
    {%- if not execute or flags.WHICH not in ['run', 'build'] -%}
        {{ return('select 1') }}
    {%- endif -%}
    {%- set relation = api.Relation.create(database=target.database, schema='audit', identifier='build_vars') -%}
    {#- YAML gives dates (`{omniscore__score_as_of: 2026-06-01}`), which JSON has no type
        for: a value that is not a string, number, boolean, null, list or mapping is kept
        as its text. -#}
    {%- set given = {} -%}
    {%- for name, value in (invocation_args_dict.get('vars') or {}).items() -%}
        {%- if value is none or value is string or value is number or value is mapping
            or value is sequence or value in [true, false] -%}
            {%- do given.update({name: value}) -%}
        {%- else -%}
            {%- do given.update({name: value | string}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set cli_vars = tojson(given, sort_keys=true) -%}
    {%- do run_query('create schema if not exists ' ~ relation.without_identifier()) -%}
    {%- set text = dbt.type_string() -%}
    {%- do run_query(
        'create table if not exists ' ~ relation ~ ' (invocation_id ' ~ text ~ ' not null, '
        ~ 'command ' ~ text ~ ' not null, run_started_at ' ~ dbt.type_timestamp() ~ ' not null, '
        ~ 'cli_vars ' ~ text ~ ' not null)'
    ) -%}
    {%- set statement -%}
        insert into {{ relation }} (invocation_id, command, run_started_at, cli_vars)
        values (
            '{{ invocation_id }}',
            '{{ flags.WHICH }}',
            cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as {{ dbt.type_timestamp() }}),
            {{ omniscore.sql_string_literal(cli_vars) }}
        )
    {%- endset -%}
    {%- do run_query(statement) -%}
    select 1
{% endmacro %}
