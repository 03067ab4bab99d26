// Package ledgertest starts real PostgreSQL servers for tests: each in its own temporary
// directory, listening on a free loopback port, as the postgres system user when the tests
// run as root (PostgreSQL refuses to run as root).
package ledgertest
