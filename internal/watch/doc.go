// Package watch keeps posture current: shared informers for exactly the kinds the checks
// read feed an incremental engine, and every change in posture is published as events to
// subscribers (strata watch, strata serve's API, ledger and metrics).
package watch
