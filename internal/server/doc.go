// Package server is strata's serve mode: a read-only HTTP API over the watcher's current
// posture, a Server-Sent Events stream of posture changes, Prometheus metrics, and an embedded
// dashboard. Every endpoint except /healthz and /readyz authenticates its caller (bearer token,
// or a session cookie set by the dashboard's login form), and every response says whether the
// posture is complete: until the watcher has synced, absence of a finding means nothing.
package server
