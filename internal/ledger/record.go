package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/posture"
)

// ErrInvalid marks input the ledger refuses whatever the database's state: retrying it is
// pointless.
var ErrInvalid = errors.New("invalid ledger input")

// ReconcileCause is the cause recorded on events Reconcile derives.
const ReconcileCause = "reconcile"

const (
	findingColumns = "key, check_id, slug, layer, severity, api_version, kind, namespace, name, uid, path, message, " +
		"first_seen, opened_at, last_seen, resolved_at, manager, resolved_manager, occurrences"
	nFindingColumns = 19
	// Rows per multi-row statement: well under SQLite's 32766 and PostgreSQL's 65535 parameters.
	findingChunk = 500
	eventChunk   = 1000
	keyChunk     = 500
)

// row is a findings row.
type row struct {
	key, checkID, slug, layer              string
	severity                               int
	apiVersion, kind, namespace, name, uid string
	path, message                          string
	firstSeen, openedAt, lastSeen          int64
	resolvedAt                             sql.NullInt64
	manager, resolvedManager               string
	occurrences                            int
	dirty                                  bool
}

func (r *row) open() bool { return !r.resolvedAt.Valid }

func (r *row) args() []any {
	return []any{r.key, r.checkID, r.slug, r.layer, r.severity, r.apiVersion, r.kind, r.namespace, r.name, r.uid,
		r.path, r.message, r.firstSeen, r.openedAt, r.lastSeen, r.resolvedAt, r.manager, r.resolvedManager, r.occurrences}
}

func (r *row) scan(s interface{ Scan(...any) error }) error {
	return s.Scan(&r.key, &r.checkID, &r.slug, &r.layer, &r.severity, &r.apiVersion, &r.kind, &r.namespace, &r.name,
		&r.uid, &r.path, &r.message, &r.firstSeen, &r.openedAt, &r.lastSeen, &r.resolvedAt, &r.manager,
		&r.resolvedManager, &r.occurrences)
}

// eventRow is an events row.
type eventRow struct {
	at                      int64
	typ                     posture.EventType
	key                     string
	severity                int
	message, cause, manager string
}

// Record stores events in one transaction. Events are applied against the ledger's own state,
// which makes Record idempotent: a new or changed event for a finding the ledger has open and
// identical only refreshes last_seen; a resolved event for a finding that is not open is
// ignored; a new or changed event for a finding that is not open opens it (again). A finding
// that reappears after it was resolved is a new occurrence: it keeps first_seen, gets a new
// opened_at and a new event. Manager is who last changed the object.
func (l *Ledger) Record(ctx context.Context, events []posture.Event) error {
	if err := validate(events); err != nil {
		return err
	}
	if len(events) == 0 {
		return nil
	}
	err := l.tx(ctx, func(tx *sql.Tx) error {
		keys := make([]string, 0, len(events))
		for _, e := range events {
			keys = append(keys, keyOf(e.Finding))
		}
		rows, err := l.loadRows(ctx, tx, keys)
		if err != nil {
			return err
		}
		_, err = l.apply(ctx, tx, rows, events)
		return err
	})
	if err == nil {
		l.analyze(ctx, len(events))
	}
	return l.wrap("record events", err)
}

func validate(events []posture.Event) error {
	for i, e := range events {
		if e.Finding == nil || e.Finding.Check == nil {
			return fmt.Errorf("%w: event %d (%s) has no finding or check", ErrInvalid, i, e.Type)
		}
		switch e.Type {
		case posture.EventNew, posture.EventChanged, posture.EventResolved:
		default:
			return fmt.Errorf("%w: event %d: unknown type %q", ErrInvalid, i, e.Type)
		}
	}
	return nil
}

// Reconcile makes the ledger's open findings exactly p's findings as of at: open findings not
// in p are resolved, findings of p not open are opened, open findings whose severity or
// message differ are changed. It records and returns those events; reconciling the same
// posture twice returns no events the second time.
func (l *Ledger) Reconcile(ctx context.Context, p *posture.Posture, at time.Time) ([]posture.Event, error) {
	if p == nil {
		return nil, fmt.Errorf("%w: reconcile without a posture", ErrInvalid)
	}
	want := make(map[string]*posture.Finding, len(p.Findings))
	for _, f := range p.Findings {
		if f == nil || f.Check == nil {
			return nil, fmt.Errorf("%w: posture holds a finding without a check", ErrInvalid)
		}
		want[keyOf(f)] = f
	}
	var out []posture.Event
	err := l.tx(ctx, func(tx *sql.Tx) error {
		rows, err := l.loadOpen(ctx, tx)
		if err != nil {
			return err
		}
		var missing []string
		for k := range want {
			if rows[k] == nil {
				missing = append(missing, k)
			}
		}
		closed, err := l.loadRows(ctx, tx, missing)
		if err != nil {
			return err
		}
		events := reconcileEvents(rows, want, at)
		for k, r := range closed {
			rows[k] = r
		}
		out, err = l.apply(ctx, tx, rows, events)
		return err
	})
	if err != nil {
		return nil, l.wrap("reconcile", err)
	}
	l.analyze(ctx, len(out))
	return out, nil
}

// finding rebuilds a finding from a row, enough for keys, diffs and events.
func (r *row) finding() *posture.Finding {
	return &posture.Finding{
		Check:    &check.Meta{ID: r.checkID, Slug: r.slug, Layer: check.Layer(r.layer)},
		Severity: check.Severity(r.severity),
		Object:   check.Ref{APIVersion: r.apiVersion, Kind: r.kind, Namespace: r.namespace, Name: r.name, UID: r.uid},
		Path:     r.path,
		Message:  r.message,
	}
}

// apply turns events into row changes and event rows against rows (the current state of every
// key the events name), writes them, and returns the events that took effect.
func (l *Ledger) apply(ctx context.Context, tx *sql.Tx, rows map[string]*row, events []posture.Event) ([]posture.Event, error) {
	var evs []eventRow
	var took []posture.Event
	var changed []*row
	now := time.Now()
	for _, e := range events {
		f := e.Finding
		k := keyOf(f)
		t := e.Time
		if t.IsZero() {
			t = now
		}
		at := nanos(t)
		r := rows[k]
		typ := e.Type
		switch {
		case typ == posture.EventResolved:
			if r == nil || !r.open() {
				continue
			}
			r.resolvedAt = sql.NullInt64{Int64: at, Valid: true}
			r.resolvedManager = clean(e.Manager)
			r.lastSeen = max(r.lastSeen, at)
		case r == nil:
			r = newRow(k, f, at)
			r.manager = clean(e.Manager)
			rows[k] = r
			typ = posture.EventNew
		case !r.open():
			r.fill(f)
			r.openedAt, r.lastSeen = at, max(r.lastSeen, at)
			r.resolvedAt, r.resolvedManager = sql.NullInt64{}, ""
			r.occurrences++
			r.manager = clean(e.Manager)
			typ = posture.EventNew
		default:
			same := r.severity == int(f.Severity) && r.message == clean(f.Message)
			r.fill(f)
			r.lastSeen = max(r.lastSeen, at)
			if e.Manager != "" {
				r.manager = clean(e.Manager)
			}
			if !r.dirty {
				changed = append(changed, r)
				r.dirty = true
			}
			if same {
				continue
			}
			typ = posture.EventChanged
		}
		if !r.dirty {
			changed = append(changed, r)
			r.dirty = true
		}
		evs = append(evs, eventRow{at: at, typ: typ, key: k, severity: r.severity, message: r.message, cause: clean(e.Cause), manager: clean(e.Manager)})
		e.Type, e.Time = typ, fromNanos(at)
		took = append(took, e)
	}
	if err := l.upsertRows(ctx, tx, changed); err != nil {
		return nil, err
	}
	return took, l.insertEvents(ctx, tx, evs)
}

func newRow(k string, f *posture.Finding, at int64) *row {
	r := &row{key: k, firstSeen: at, openedAt: at, lastSeen: at, occurrences: 1}
	r.fill(f)
	return r
}

// fill copies what a finding says into r; the identity columns never change for a key.
func (r *row) fill(f *posture.Finding) {
	r.checkID, r.slug, r.layer = clean(f.Check.ID), clean(f.Check.Slug), clean(string(f.Check.Layer))
	r.severity = int(f.Severity)
	r.apiVersion, r.kind, r.namespace = clean(f.Object.APIVersion), clean(f.Object.Kind), clean(f.Object.Namespace)
	r.name, r.uid = clean(f.Object.Name), clean(f.Object.UID)
	r.path, r.message = clean(f.Path), clean(f.Message)
}

func placeholders(rows, cols int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	return strings.TrimSuffix(strings.Repeat(one+", ", rows), ", ")
}

func (l *Ledger) upsertRows(ctx context.Context, tx *sql.Tx, rows []*row) error {
	var set []string
	for _, c := range strings.Split(findingColumns, ", ")[1:] {
		set = append(set, c+" = excluded."+c)
	}
	for start := 0; start < len(rows); start += findingChunk {
		chunk := rows[start:min(start+findingChunk, len(rows))]
		args := make([]any, 0, len(chunk)*nFindingColumns)
		for _, r := range chunk {
			args = append(args, r.args()...)
			r.dirty = false
		}
		q := "INSERT INTO findings (" + findingColumns + ") VALUES " + placeholders(len(chunk), nFindingColumns) +
			" ON CONFLICT (key) DO UPDATE SET " + strings.Join(set, ", ")
		if _, err := tx.ExecContext(ctx, l.rebind(q), args...); err != nil {
			return fmt.Errorf("write findings: %w", err)
		}
	}
	return nil
}

func (l *Ledger) insertEvents(ctx context.Context, tx *sql.Tx, evs []eventRow) error {
	for start := 0; start < len(evs); start += eventChunk {
		chunk := evs[start:min(start+eventChunk, len(evs))]
		args := make([]any, 0, len(chunk)*7)
		for _, e := range chunk {
			args = append(args, e.at, string(e.typ), e.key, e.severity, e.message, e.cause, e.manager)
		}
		q := "INSERT INTO events (at, type, key, severity, message, cause, manager) VALUES " + placeholders(len(chunk), 7)
		if _, err := tx.ExecContext(ctx, l.rebind(q), args...); err != nil {
			return fmt.Errorf("write events: %w", err)
		}
	}
	return nil
}

// loadRows reads the rows of keys (duplicates allowed); absent keys are absent from the map.
func (l *Ledger) loadRows(ctx context.Context, tx *sql.Tx, keys []string) (map[string]*row, error) {
	out := make(map[string]*row, len(keys))
	seen := make(map[string]bool, len(keys))
	uniq := keys[:0:0]
	for _, k := range keys {
		if !seen[k] {
			seen[k] = true
			uniq = append(uniq, k)
		}
	}
	for start := 0; start < len(uniq); start += keyChunk {
		chunk := uniq[start:min(start+keyChunk, len(uniq))]
		args := make([]any, len(chunk))
		for i, k := range chunk {
			args[i] = k
		}
		q := "SELECT " + findingColumns + " FROM findings WHERE key IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(chunk)), ", ") + ")"
		if err := l.scanRows(ctx, tx, l.rebind(q), args, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (l *Ledger) loadOpen(ctx context.Context, tx *sql.Tx) (map[string]*row, error) {
	out := map[string]*row{}
	err := l.scanRows(ctx, tx, "SELECT "+findingColumns+" FROM findings WHERE resolved_at IS NULL", nil, out)
	return out, err
}

func (l *Ledger) scanRows(ctx context.Context, tx *sql.Tx, q string, args []any, out map[string]*row) error {
	rs, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("read findings: %w", err)
	}
	defer rs.Close()
	for rs.Next() {
		r := &row{}
		if err := r.scan(rs); err != nil {
			return fmt.Errorf("read findings: %w", err)
		}
		out[r.key] = r
	}
	if err := rs.Err(); err != nil {
		return fmt.Errorf("read findings: %w", err)
	}
	return nil
}

// reconcileEvents turns the open rows into want: resolved, changed, new; each by key.
func reconcileEvents(open map[string]*row, want map[string]*posture.Finding, at time.Time) []posture.Event {
	var resolved, changed, added []posture.Event
	for k, r := range open {
		if _, ok := want[k]; !ok {
			resolved = append(resolved, posture.Event{Type: posture.EventResolved, Finding: r.finding(), Time: at, Cause: ReconcileCause})
		}
	}
	for k, f := range want {
		r, ok := open[k]
		switch {
		case !ok:
			added = append(added, posture.Event{Type: posture.EventNew, Finding: f, Time: at, Cause: ReconcileCause})
		case r.severity != int(f.Severity) || r.message != clean(f.Message):
			changed = append(changed, posture.Event{Type: posture.EventChanged, Finding: f, Previous: r.finding(), Time: at, Cause: ReconcileCause})
		}
	}
	out := make([]posture.Event, 0, len(resolved)+len(changed)+len(added))
	for _, evs := range [][]posture.Event{resolved, changed, added} {
		sort.Slice(evs, func(i, j int) bool { return keyOf(evs[i].Finding) < keyOf(evs[j].Finding) })
		out = append(out, evs...)
	}
	return out
}

// clean makes s storable the same way in both databases: valid UTF-8 without NUL bytes, which
// PostgreSQL text cannot hold.
func clean(s string) string {
	if utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\ufffd"), "\x00", "\ufffd")
}

// keyOf is the key a finding is stored under.
func keyOf(f *posture.Finding) string { return clean(f.Key()) }

// analyzeAfter is how many rows a write must touch before PostgreSQL's statistics are
// refreshed: until autovacuum gets to a freshly filled table, the planner believes it is
// empty and answers key lookups with sequential scans (16 s instead of 50 ms for a
// reconciliation of 100,000 findings).
const analyzeAfter = 1000

func (l *Ledger) analyze(ctx context.Context, n int) {
	if l.t.dialect != dialectPostgres || n < analyzeAfter {
		return
	}
	// Statistics only: a failure leaves the planner where autovacuum would.
	l.db.ExecContext(ctx, "ANALYZE findings, events")
}
