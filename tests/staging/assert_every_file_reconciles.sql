{#
    Row accounting (docs/architecture.md): every data record of every landed file is
    staged, dropped as a repeat of a staged row, quarantined, or erased (its person asked
    to be forgotten), and the lines of those records (or of a file set aside whole) are
    the file's non-blank data lines as counted from its bytes without the record readers
    (file_lines). Fails with each file whose counts do not add up.
    Under `dbt build` it runs before the on-run-end erasure scrub: what the scrub of this
    build changes is checked by the next build (and by the erasure tests in pytest).
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
        file_lines,
        raw_lines,
        set_aside_lines,
        is_reconciled
    from {{ ref('file_reconciliation') }}
),

final as (
    select *
    from reconciliation
    where not is_reconciled
)

select * from final
