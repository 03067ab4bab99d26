// Package ledger keeps the history of a cluster's posture: every finding strata has seen, when
// it opened, changed and resolved and who changed the object, the events between postures,
// and periodic snapshots of the counts for a posture-over-time chart.
//
// The ledger lives in SQLite by default (a file, no cgo) or in PostgreSQL. Both share one
// schema, one set of numbered migrations and one code path through database/sql; only
// placeholders and the auto-increment column type differ. Writes are idempotent against the
// ledger's own state, so replaying events or reconciling the same posture twice never
// duplicates history. Writer puts the ledger behind a bounded, non-blocking queue for serve
// mode, where the database may be down for a while. See docs/ledger.md.
package ledger
