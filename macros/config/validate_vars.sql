{#
    Checks every `omniscore__*` var at run start and raises a compiler error naming the
    var, its value and what was expected. Renders `select 1`, a no-op statement, so it can
    be an on-run-start hook (and `dbt run-operation validate_vars` checks settings alone).
#}
{% macro validate_vars() %}
    {%- set problems = [] -%}

    {%- set currency = var('omniscore__reporting_currency') | string -%}
    {%- if not modules.re.fullmatch('[A-Z]{3}', currency) -%}
        {%- do problems.append("omniscore__reporting_currency=" ~ currency ~ " is not an ISO 4217 code like USD") -%}
    {%- endif -%}

    {%- set started = var('omniscore__business_started_at') | string -%}
    {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', started) -%}
        {%- do problems.append("omniscore__business_started_at=" ~ started ~ " is not a YYYY-MM-DD date") -%}
    {%- endif -%}

    {%- set as_of = var('omniscore__score_as_of') | string | trim -%}
    {%- if as_of and not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', as_of) -%}
        {%- do problems.append("omniscore__score_as_of=" ~ as_of ~ " is not empty or a YYYY-MM-DD date") -%}
    {%- endif -%}

    {%- set calling_code = var('omniscore__default_calling_code') | string -%}
    {%- if not modules.re.fullmatch('[1-9][0-9]{0,2}', calling_code) -%}
        {%- do problems.append("omniscore__default_calling_code=" ~ calling_code ~ " is not 1 to 3 digits") -%}
    {%- endif -%}

    {%- for name, minimum in [
        ('omniscore__future_tolerance_hours', 0),
        ('omniscore__max_quoted_field_lines', 2),
        ('omniscore__identifier_max_persons', 2),
        ('omniscore__lookback_days', 0),
        ('omniscore__clv_holdout_days', 1),
        ('omniscore__clv_horizon_months', 1),
        ('omniscore__clv_min_customers', 10),
        ('omniscore__clv_min_repeat_customers', 2),
        ('omniscore__freshness_warn_hours', 1),
        ('omniscore__freshness_error_hours', 1),
        ('omniscore__volume_trailing_days', 2),
        ('omniscore__volume_min_history_days', 2),
        ('omniscore__silent_channel_days', 1),
        ('omniscore__quarantine_rate_min_rows', 1),
        ('omniscore__explanation_history_components', 1),
    ] -%}
        {%- set value = var(name) -%}
        {%- if value is boolean or not (value is number and value == value | int and value >= minimum) -%}
            {%- do problems.append(name ~ "=" ~ value ~ " is not an integer >= " ~ minimum) -%}
        {%- endif -%}
    {%- endfor -%}

    {%- for name in ['omniscore__clv_monthly_discount_rate', 'omniscore__clv_margin'] -%}
        {%- set value = var(name) -%}
        {%- if value is boolean or value is not number or value < 0 or value > 1 -%}
            {%- do problems.append(name ~ "=" ~ value ~ " is not a number in [0, 1]") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set warn_hours = var('omniscore__freshness_warn_hours') -%}
    {%- set error_hours = var('omniscore__freshness_error_hours') -%}
    {%- if warn_hours is number and error_hours is number and error_hours < warn_hours -%}
        {%- do problems.append("omniscore__freshness_error_hours=" ~ error_hours ~ " is less than omniscore__freshness_warn_hours=" ~ warn_hours) -%}
    {%- endif -%}
    {%- set history = var('omniscore__volume_min_history_days') -%}
    {%- set trailing = var('omniscore__volume_trailing_days') -%}
    {%- if history is number and trailing is number and history > trailing -%}
        {%- do problems.append("omniscore__volume_min_history_days=" ~ history ~ " is more than omniscore__volume_trailing_days=" ~ trailing) -%}
    {%- endif -%}
    {%- set sd_threshold = var('omniscore__volume_sd_threshold') -%}
    {%- if sd_threshold is boolean or not (sd_threshold is number and sd_threshold > 0) -%}
        {%- do problems.append("omniscore__volume_sd_threshold=" ~ sd_threshold ~ " is not a number > 0") -%}
    {%- endif -%}
    {%- set quarantine_rate = var('omniscore__quarantine_rate_warn') -%}
    {%- if quarantine_rate is boolean or not (quarantine_rate is number and 0 <= quarantine_rate < 1) -%}
        {%- do problems.append("omniscore__quarantine_rate_warn=" ~ quarantine_rate ~ " is not a share from 0 to below 1") -%}
    {%- endif -%}

    {%- for name in ['omniscore__psi_warn', 'omniscore__psi_error', 'omniscore__min_holdout_auc', 'omniscore__max_calibration_error'] -%}
        {%- set value = var(name) -%}
        {%- if value is boolean or value is not number or value < 0 or value > 1 -%}
            {%- do problems.append(name ~ "=" ~ value ~ " is not a number in [0, 1]") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set psi_warn = var('omniscore__psi_warn') -%}
    {%- set psi_error = var('omniscore__psi_error') -%}
    {%- if psi_warn is number and psi_error is number and psi_error < psi_warn -%}
        {%- do problems.append("omniscore__psi_error=" ~ psi_error ~ " is less than omniscore__psi_warn=" ~ psi_warn) -%}
    {%- endif -%}

    {%- if (var('omniscore__raw_dir') | string | trim) == '' -%}
        {%- do problems.append("omniscore__raw_dir is empty") -%}
    {%- endif -%}
    {%- set email_time_zone = var('omniscore__email_timezone') | string | trim -%}
    {%- if email_time_zone == '' -%}
        {%- do problems.append("omniscore__email_timezone is empty") -%}
    {%- elif execute -%}
        {#- The database's own list of zones, the one the email model converts with. -#}
        {%- set zone_literal = "'" ~ email_time_zone | replace("'", "''") ~ "'" -%}
        {%- set known = run_query("select " ~ omniscore.is_valid_time_zone(zone_literal) ~ " as is_known") -%}
        {%- if not known.columns[0].values()[0] -%}
            {%- do problems.append("omniscore__email_timezone=" ~ email_time_zone ~ " is not a time zone name the database knows, like America/New_York") -%}
        {%- endif -%}
    {%- endif -%}

    {%- if problems -%}
        {{ exceptions.raise_compiler_error("Invalid omniscore settings:\n  - " ~ problems | join("\n  - ")) }}
    {%- endif -%}
    select 1
{% endmacro %}
