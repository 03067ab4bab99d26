package ledger

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/strata-sec/strata/internal/check"
)

// Status selects findings by whether they are open.
type Status string

const (
	StatusOpen     Status = "open"
	StatusResolved Status = "resolved"
	StatusAll      Status = "all"
)

// Filter selects findings. Zero fields do not filter. Every value reaches the database as a
// parameter, never as SQL text.
type Filter struct {
	Status      Status // "" is open
	Layer       check.Layer
	MinSeverity check.Severity
	Namespace   string
	// Check is a check ID ("ST-0001") or slug.
	Check string
	// Since keeps findings seen (or resolved) at or after it.
	Since time.Time
	// Limit caps the rows returned; 0 is no cap.
	Limit int
}

// Record is a finding as the ledger remembers it.
type Record struct {
	Key             string         `json:"key"`
	CheckID         string         `json:"checkID"`
	Slug            string         `json:"slug"`
	Layer           check.Layer    `json:"layer"`
	Severity        check.Severity `json:"severity"`
	Object          check.Ref      `json:"object"`
	Path            string         `json:"path,omitempty"`
	Message         string         `json:"message"`
	FirstSeen       time.Time      `json:"firstSeen"`
	OpenedAt        time.Time      `json:"openedAt"`
	LastSeen        time.Time      `json:"lastSeen"`
	ResolvedAt      *time.Time     `json:"resolvedAt,omitempty"`
	Manager         string         `json:"manager,omitempty"`
	ResolvedManager string         `json:"resolvedManager,omitempty"`
	Occurrences     int            `json:"occurrences"`
}

func (r *row) record() Record {
	rec := Record{
		Key: r.key, CheckID: r.checkID, Slug: r.slug, Layer: check.Layer(r.layer), Severity: check.Severity(r.severity),
		Object: check.Ref{APIVersion: r.apiVersion, Kind: r.kind, Namespace: r.namespace, Name: r.name, UID: r.uid},
		Path:   r.path, Message: r.message,
		FirstSeen: fromNanos(r.firstSeen), OpenedAt: fromNanos(r.openedAt), LastSeen: fromNanos(r.lastSeen),
		Manager: r.manager, ResolvedManager: r.resolvedManager, Occurrences: r.occurrences,
	}
	if r.resolvedAt.Valid {
		t := fromNanos(r.resolvedAt.Int64)
		rec.ResolvedAt = &t
	}
	return rec
}

// Findings returns the findings f selects, most severe first, then by check and key.
func (l *Ledger) Findings(ctx context.Context, f Filter) ([]Record, error) {
	var where []string
	var args []any
	switch f.Status {
	case "", StatusOpen:
		where = append(where, "resolved_at IS NULL")
	case StatusResolved:
		where = append(where, "resolved_at IS NOT NULL")
	case StatusAll:
	default:
		return nil, fmt.Errorf("%w: unknown status %q (valid: open, resolved, all)", ErrInvalid, f.Status)
	}
	if f.Layer != "" {
		where, args = append(where, "layer = ?"), append(args, clean(string(f.Layer)))
	}
	if f.MinSeverity != 0 {
		where, args = append(where, "severity >= ?"), append(args, int(f.MinSeverity))
	}
	if f.Namespace != "" {
		where, args = append(where, "namespace = ?"), append(args, clean(f.Namespace))
	}
	if f.Check != "" {
		where, args = append(where, "(check_id = ? OR slug = ?)"), append(args, clean(f.Check), clean(f.Check))
	}
	if !f.Since.IsZero() {
		where, args = append(where, "(last_seen >= ? OR resolved_at >= ?)"), append(args, nanos(f.Since), nanos(f.Since))
	}
	q := "SELECT " + findingColumns + " FROM findings"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY severity DESC, check_id, key"
	if f.Limit > 0 {
		q, args = q+" LIMIT ?", append(args, f.Limit)
	}
	rs, err := l.db.QueryContext(ctx, l.rebind(q), args...)
	if err != nil {
		return nil, l.wrap("list findings", err)
	}
	defer rs.Close()
	var out []Record
	for rs.Next() {
		var r row
		if err := r.scan(rs); err != nil {
			return nil, l.wrap("list findings", err)
		}
		out = append(out, r.record())
	}
	return out, l.wrap("list findings", rs.Err())
}

// Event is one stored event.
type Event struct {
	ID       int64          `json:"id"`
	At       time.Time      `json:"at"`
	Type     string         `json:"type"`
	Key      string         `json:"key"`
	Severity check.Severity `json:"severity"`
	Message  string         `json:"message"`
	Cause    string         `json:"cause,omitempty"`
	Manager  string         `json:"manager,omitempty"`
}

// Events returns the events of (from, to], oldest first; a zero to is now.
func (l *Ledger) Events(ctx context.Context, from, to time.Time) ([]Event, error) {
	if to.IsZero() {
		to = time.Now()
	}
	rs, err := l.db.QueryContext(ctx, l.rebind("SELECT id, at, type, key, severity, message, cause, manager FROM events WHERE at > ? AND at <= ? ORDER BY at, id"),
		nanos(from), nanos(to))
	if err != nil {
		return nil, l.wrap("list events", err)
	}
	defer rs.Close()
	var out []Event
	for rs.Next() {
		var e Event
		var at int64
		var sev int
		if err := rs.Scan(&e.ID, &at, &e.Type, &e.Key, &sev, &e.Message, &e.Cause, &e.Manager); err != nil {
			return nil, l.wrap("list events", err)
		}
		e.At, e.Severity = fromNanos(at), check.Severity(sev)
		out = append(out, e)
	}
	return out, l.wrap("list events", rs.Err())
}
