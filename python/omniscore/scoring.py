"""Fitting the scoring layer's logistic regressions: the one seam between SQL and a library.

The warehouse prepares ``model_training_set`` (point-in-time features and labels, one row per
model version, split, as-of date and person) and scores in SQL over ``model_coefficients``.
Only the fit itself happens here, in :func:`fit_models`, which takes that table as a frame and
returns the coefficient table. On DuckDB the dbt Python model ``model_coefficients`` calls it
during ``dbt build``; a target without dbt Python models can call the same function on a
sample it reads and write the result to the same table.

The model, per version (see docs/architecture.md, "Scoring layer"):

* each feature listed for the model in ``seeds/score_features.csv`` is transformed
  (``log1p`` for counts, money and days; ``none`` for rates and flags), then standardised
  with the training rows' mean and population standard deviation (a constant feature keeps
  scale 1 and gets coefficient 0);
* L2-penalised logistic regression (scikit-learn, Newton-Cholesky: a handful of exact
  Newton steps, since rows far outnumber features) minimising
  ``C * sum(log loss) + 0.5 * ||w||^2`` with ``C = penalty_c`` and the intercept not
  penalised, solved to a gradient tolerance of 1e-10 so that an independent implementation
  of the same objective agrees to 1e-4 (python/tests/test_scoring.py);
* a version is fitted only with at least ``min_class_rows`` positive and negative training
  rows; otherwise it gets no coefficients and the warehouse says why (``no_trained_model``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

log = logging.getLogger(__name__)

INTERCEPT = "(intercept)"
TRANSFORMS = {"none": lambda x: x, "log1p": lambda x: np.log1p(np.maximum(x, 0.0))}
# model_coefficients' columns and types (an empty result keeps them, so SQL can read it).
COEFFICIENT_COLUMNS = {
    "model_name": "string",
    "model_version": "string",
    "term": "string",
    "transform": "string",
    "center": "float64",
    "scale": "float64",
    "coefficient": "float64",
    "penalty_c": "float64",
    "training_rows": "int64",
    "positive_rows": "int64",
}


@dataclass(frozen=True)
class Fit:
    """A fitted model on standardised inputs."""

    intercept: float
    coefficients: np.ndarray
    center: np.ndarray
    scale: np.ndarray


def features_of(feature_specs: pd.DataFrame, model_name: str) -> pd.DataFrame:
    """The rows of ``seeds/score_features.csv`` whose ``used_by_models`` lists ``model_name``."""
    used = feature_specs["used_by_models"].fillna("").str.split(";")
    return feature_specs[used.apply(lambda names: model_name in names)].reset_index(drop=True)


def design_matrix(
    frame: pd.DataFrame, features: pd.DataFrame
) -> tuple[np.ndarray, list[str], list[str]]:
    """Transformed (not yet standardised) inputs, in the order of ``features``."""
    names = list(features["feature_name"])
    transforms = list(features["transform"])
    unknown = sorted(set(transforms) - set(TRANSFORMS))
    if unknown:
        raise ValueError(f"seeds/score_features.csv: unknown transform(s) {unknown}")
    missing = [name for name in names if name not in frame.columns]
    if missing:
        raise ValueError(f"model_training_set has no column(s) {missing} named in score_features")
    columns = [
        TRANSFORMS[t](frame[name].astype("float64").to_numpy())
        for name, t in zip(names, transforms, strict=True)
    ]
    matrix = np.column_stack(columns) if columns else np.empty((len(frame), 0))
    return matrix, names, transforms


def standardise(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Z-scores with the rows' mean and population standard deviation (0 becomes 1)."""
    center = matrix.mean(axis=0)
    scale = matrix.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    return (matrix - center) / scale, center, scale


def fit_logistic(matrix: np.ndarray, labels: np.ndarray, penalty_c: float) -> Fit:
    """L2-penalised logistic regression on standardised ``matrix`` (see the module docstring)."""
    z, center, scale = standardise(matrix)
    model = LogisticRegression(C=penalty_c, solver="newton-cholesky", tol=1e-10, max_iter=1_000)
    model.fit(z, labels.astype(int))
    return Fit(float(model.intercept_[0]), model.coef_[0].copy(), center, scale)


def fit_models(
    training: pd.DataFrame,
    feature_specs: pd.DataFrame,
    *,
    penalty_c: float,
    min_class_rows: int,
    max_rows: int,
    seed: int = 0,
) -> pd.DataFrame:
    """Fit every model version of ``training`` (its ``split == 'train'`` rows).

    ``training`` is ``model_training_set``: ``model_name``, ``model_version``, ``split``,
    ``label`` and one column per feature. Versions with more than ``max_rows`` training rows
    are fitted on a seeded random sample of that many (stated in ``training_rows``).
    Returns the rows of ``model_coefficients`` (:data:`COEFFICIENT_COLUMNS`).
    """
    rows: list[dict] = []
    train = training[training["split"] == "train"] if len(training) else training
    for (model_name, version), frame in train.groupby(["model_name", "model_version"], sort=True):
        positives = int(frame["label"].sum())
        negatives = len(frame) - positives
        if min(positives, negatives) < min_class_rows:
            log.warning(
                "%s: not fitted, %d positive and %d negative training rows (need %d of each)",
                version,
                positives,
                negatives,
                min_class_rows,
            )
            continue
        if len(frame) > max_rows:
            frame = frame.sample(n=max_rows, random_state=seed)
        features = features_of(feature_specs, str(model_name))
        matrix, names, transforms = design_matrix(frame, features)
        labels = frame["label"].to_numpy()
        fit = fit_logistic(matrix, labels, penalty_c)
        common = {
            "model_name": model_name,
            "model_version": version,
            "penalty_c": penalty_c,
            "training_rows": len(frame),
            "positive_rows": int(labels.sum()),
        }
        rows.append(
            {
                **common,
                "term": INTERCEPT,
                "transform": "none",
                "center": 0.0,
                "scale": 1.0,
                "coefficient": fit.intercept,
            }
        )
        for i, name in enumerate(names):
            rows.append(
                {
                    **common,
                    "term": name,
                    "transform": transforms[i],
                    "center": float(fit.center[i]),
                    "scale": float(fit.scale[i]),
                    "coefficient": float(fit.coefficients[i]),
                }
            )
        log.info("%s: fitted on %d rows (%d positive)", version, len(frame), int(labels.sum()))
    return pd.DataFrame(rows, columns=list(COEFFICIENT_COLUMNS)).astype(COEFFICIENT_COLUMNS)
