{#
    A landed file with more than `omniscore__quarantine_rate_warn` of its records
    quarantined (audit.file_reconciliation), among files of at least
    `omniscore__quarantine_rate_min_rows` records (in a handful of rows one bad row is not a
    trend). The build goes on; the reasons are in audit.quarantined_rows.
#}

{{ config(severity='warn') }}

select
    source_file,
    channel,
    raw_rows,
    quarantined_rows,
    quarantined_rows * 1.0 / raw_rows as quarantine_rate
from {{ ref('file_reconciliation') }}
where
    raw_rows >= {{ var('omniscore__quarantine_rate_min_rows') }}
    and quarantined_rows * 1.0 / raw_rows > {{ var('omniscore__quarantine_rate_warn') }}
