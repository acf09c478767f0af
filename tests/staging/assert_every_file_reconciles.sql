{#
    Row accounting (docs/architecture.md): every data record of every landed file is
    staged, dropped as a repeat of a staged row, quarantined, or erased (its person asked
    to be forgotten). Fails with each file whose counts do not add up to the records read
    from it.
#}

with

reconciliation as (
    select
        source_file,
        channel,
        raw_rows,
        staged_rows,
        duplicate_rows,
        quarantined_rows,
        erased_rows,
        is_reconciled
    from {{ ref('file_reconciliation') }}
),

final as (
    select *
    from reconciliation
    where not is_reconciled
)

select * from final
