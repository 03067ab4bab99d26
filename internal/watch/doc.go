// Package watch keeps posture current: shared informers for exactly the kinds the checks
// read feed an incremental engine, and every change in posture is published as events to
// subscribers (strata watch, strata serve's API, ledger and metrics).
//
// One goroutine, Run's, owns the inventory and the engine. Informer callbacks only queue
// changes, coalesced per object; the goroutine takes them after a short window (Coalesce) or
// once MaxBatch are pending, applies them to the inventory, and publishes the engine's events
// as one Batch. Every Resync it evaluates everything again, so drift cannot outlive a period.
// Readers get immutable snapshots (Posture, Status) and never block the evaluation; a
// subscriber that falls a whole buffer behind is disconnected with an Overflow batch rather
// than left with a silently incomplete stream. The NDJSON form of batches is documented in
// docs/events.md.
package watch
