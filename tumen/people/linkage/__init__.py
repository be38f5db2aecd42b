"""Record linkage for the person register, without Django.

`features` turns one record into comparable values (name keys in every script, dates with their
lunar reading); `model` holds the Fellegi-Sunter comparisons once, as SQL for Splink on DuckDB
(bulk de-duplication) and as Python for the online matcher, so both score a pair alike;
`bulk` runs Splink; `synthetic` makes labelled registers and `evaluate` scores a run against them.
"""
