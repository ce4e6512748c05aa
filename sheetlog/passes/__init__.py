"""One module per command family: each plans a pass from a snapshot of the log to the ops
it writes (provision, record, import files, validate, archive, summary, queries, export,
evidence, retention)."""
