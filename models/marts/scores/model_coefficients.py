"""Fits the regression models of model_training_set: the one step of the scores that is Python.

Everything around it is SQL (features, labels, scoring over this table, metrics), so a target
without dbt Python models runs `omniscore.scoring.fit_models` another way and writes the same
table. Settings come from vars through this model's config in _scores__models.yml.
"""



def model(dbt, session):
    from omniscore.scoring import fit_models

    dbt.config(materialized="table")
    training = dbt.ref("model_training_set").df()
    features = dbt.ref("score_features").df()
    return fit_models(
        training,
        features,
        penalty_c=float(dbt.config.get("penalty_c")),
        min_class_rows=int(dbt.config.get("min_class_rows")),
        max_rows=int(dbt.config.get("max_training_rows")),
    )
