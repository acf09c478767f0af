{#
    Volume drift: a channel whose interactions on the latest day lie outside the mean ±
    `omniscore__volume_sd_threshold` standard deviations of the trailing
    `omniscore__volume_trailing_days` days (audit.channel_daily_volumes). A warning: a
    campaign or an outage moves volumes too; someone looks before the numbers are trusted.
#}

{{ config(severity='warn') }}

select
    channel,
    occurred_date,
    interactions,
    trailing_mean,
    trailing_sd
from {{ ref('channel_daily_volumes') }}
where is_latest_day and is_anomalous
