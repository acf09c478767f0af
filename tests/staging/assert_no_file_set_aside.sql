{#
    A landed file that could not be read as a whole (not UTF-8, a wrong delimiter, a
    required column missing) is set aside: every other file and channel still builds, and
    this test fails the build loudly, naming each such file, its reason and the column or
    line at fault (audit.file_reconciliation: set_aside_reason, set_aside_detail). The
    error is raised from the query, so that the message reaches the log: a failing test
    would only say how many rows it found. It sits on a leaf (audit.file_reconciliation),
    so nothing downstream is skipped.
#}

{{ config(severity='error') }}

with

set_aside_files as (
    select
        source_file,
        set_aside_reason,
        set_aside_detail,
        set_aside_lines
    from {{ ref('file_reconciliation') }}
    where set_aside_reason is not null
),

summary as (
    select
        count(*) as file_count,
        {{ omniscore.ordered_listagg(
            "source_file || ' (' || set_aside_reason || ', ' || set_aside_lines || ' lines): ' || set_aside_detail",
            "'; '",
            "source_file"
        ) }} as files
    from set_aside_files
),

{# The error sits in the filter: a selected column that nobody reads would be pruned. #}
final as (
    select
        file_count,
        files
    from summary
    where
        case
            when file_count > 0
                then {{ omniscore.raise_error(
                    "cast(file_count as " ~ dbt.type_string() ~ ") || ' landed file(s) set aside, not read: ' || files"
                ) }}
            else false
        end
)

select * from final
