"""The `omniscore__*` vars are checked before anything is built (macros/config/validate_vars.sql).

`dbt run-operation validate_vars` runs the same check the on-run-start hook runs, without
building anything, so a bad value is shown failing with a message naming the var.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from omniscore.warehouse import run_dbt


def check_settings(tmp_path: Path, overrides: dict[str, object]) -> tuple[bool, str]:
    result = run_dbt(
        ["run-operation", "validate_vars", "--vars", json.dumps(overrides)],
        raw_dir=tmp_path / "raw",
        db_path=tmp_path / "warehouse.duckdb",
    )
    return result.ok, result.output


def test_the_defaults_are_valid(tmp_path):
    ok, output = check_settings(tmp_path, {})
    assert ok, output


def test_every_bad_setting_is_named_in_one_error(tmp_path):
    bad = {
        "omniscore__reporting_currency": "usd",
        "omniscore__business_started_at": "2015/01/01",
        "omniscore__default_calling_code": "+44",
        "omniscore__future_tolerance_hours": -1,
        "omniscore__identifier_max_persons": 1,
        "omniscore__lookback_days": 2.5,
        "omniscore__email_timezone": " ",
    }
    ok, output = check_settings(tmp_path, bad)
    assert not ok
    assert "Invalid omniscore settings" in output
    for name in bad:
        assert name in output, f"{name} not named in:\n{output}"


def test_an_email_time_zone_the_database_does_not_know_is_named(tmp_path):
    # Checked against the database's zones, so only when executing (not while parsing,
    # where the other checks already run).
    ok, output = check_settings(tmp_path, {"omniscore__email_timezone": "Mars/Olympus_Mons"})
    assert not ok
    assert "omniscore__email_timezone=Mars/Olympus_Mons" in output


@pytest.mark.parametrize("value", [True, "3", None])
def test_an_integer_setting_must_be_a_number(tmp_path, value):
    ok, output = check_settings(tmp_path, {"omniscore__lookback_days": value})
    assert not ok
    assert "omniscore__lookback_days" in output


def test_bad_lifetime_value_settings_are_named(tmp_path):
    bad = {
        "omniscore__clv_holdout_days": 0,
        "omniscore__clv_horizon_months": "12",
        "omniscore__clv_monthly_discount_rate": 1.5,
        "omniscore__clv_margin": -0.1,
        "omniscore__clv_min_customers": 5,
        "omniscore__clv_min_repeat_customers": 1,
    }
    ok, output = check_settings(tmp_path, bad)
    assert not ok
    for name in bad:
        assert name in output, f"{name} not named in:\n{output}"


def test_every_bad_data_quality_setting_is_named(tmp_path):
    bad = {
        "omniscore__freshness_warn_hours": 0,
        "omniscore__volume_trailing_days": 1,
        "omniscore__volume_sd_threshold": -2,
        "omniscore__silent_channel_days": "3",
        "omniscore__quarantine_rate_warn": 1.5,
        "omniscore__quarantine_rate_min_rows": 0,
    }
    ok, output = check_settings(tmp_path, bad)
    assert not ok
    for name in bad:
        assert name in output, f"{name} not named in:\n{output}"


def test_freshness_error_hours_must_not_be_below_warn_hours(tmp_path):
    ok, output = check_settings(
        tmp_path,
        {"omniscore__freshness_warn_hours": 48, "omniscore__freshness_error_hours": 24},
    )
    assert not ok
    assert "omniscore__freshness_error_hours=24 is less than" in output


def test_bad_score_evidence_settings_are_named(tmp_path):
    bad = {
        "omniscore__psi_warn": -0.1,
        "omniscore__psi_error": "0.25",
        "omniscore__min_holdout_auc": 1.5,
        "omniscore__max_calibration_error": True,
    }
    ok, output = check_settings(tmp_path, bad)
    assert not ok
    for name in bad:
        assert name in output, f"{name} not named in:\n{output}"
    ok, output = check_settings(tmp_path, {"omniscore__psi_warn": 0.3, "omniscore__psi_error": 0.2})
    assert not ok
    assert "omniscore__psi_error=0.2 is less than omniscore__psi_warn=0.3" in output
