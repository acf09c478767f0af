{#
    The deterministic version of a regression model fitted for one holdout date:
    `<model>-<holdout date yyyymmdd>-<8 hex of md5(settings)>`, where the settings are its
    label window, training snapshots and spacing, penalty and the features it uses with
    their transforms. A rebuild for the same data and settings gives the same version (and
    replaces its rows in the history tables); a changed setting gives a new one.
    `features_text` is a SQL expression of the model's feature list as text.
#}
{% macro model_version(model, holdout_date, features_text) -%}
    {%- set settings = [
        model.window_days,
        var('omniscore__training_snapshots'),
        var('omniscore__snapshot_spacing_days'),
        var('omniscore__min_feature_history_days'),
        var('omniscore__min_history_days'),
        var('omniscore__regularization_c'),
        var('omniscore__max_training_rows'),
    ] | join('|') -%}
    {{ dbt.concat([
        "'" ~ model.name ~ "-'",
        "replace(cast(" ~ holdout_date ~ " as " ~ dbt.type_string() ~ "), '-', '')",
        "'-'",
        "substr(md5(" ~ dbt.concat(["'" ~ settings ~ "|'", features_text]) ~ "), 1, 8)",
    ]) }}
{%- endmacro %}
