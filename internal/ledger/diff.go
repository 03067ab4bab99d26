package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/strata-sec/strata/internal/check"
)

// ChangeKind says how a finding moved between two times.
type ChangeKind string

const (
	// ChangeNew is a finding opened in the range and still open at its end.
	ChangeNew ChangeKind = "new"
	// ChangeRaised is a finding open at both ends whose severity went up.
	ChangeRaised ChangeKind = "raised"
	// ChangeResolved is a finding open at the start of the range and resolved at its end.
	ChangeResolved ChangeKind = "resolved"
	// ChangeLowered is a finding open at both ends whose severity went down.
	ChangeLowered ChangeKind = "lowered"
)

// Change is one finding that made posture worse or better.
type Change struct {
	Kind     ChangeKind     `json:"kind"`
	Key      string         `json:"key"`
	CheckID  string         `json:"checkID"`
	Slug     string         `json:"slug"`
	Layer    check.Layer    `json:"layer"`
	Severity check.Severity `json:"severity"`
	// Previous is the severity at the start of the range, for raised and lowered findings.
	Previous check.Severity `json:"previous,omitempty"`
	Object   check.Ref      `json:"object"`
	Path     string         `json:"path,omitempty"`
	Message  string         `json:"message"`
	// At, Cause and Manager are of the event that made the change: when, what change of the
	// cluster led to it, and the field manager that made that change.
	At      time.Time `json:"at"`
	Cause   string    `json:"cause,omitempty"`
	Manager string    `json:"manager,omitempty"`
}

// Diff is how posture moved from From to To.
type Diff struct {
	From   time.Time `json:"from"`
	To     time.Time `json:"to"`
	Worse  []Change  `json:"worse"`
	Better []Change  `json:"better"`
	// Snapshots are set by DiffSnapshots.
	FromSnapshot *Snapshot `json:"fromSnapshot,omitempty"`
	ToSnapshot   *Snapshot `json:"toSnapshot,omitempty"`
}

type diffEvent struct {
	at                      int64
	typ                     string
	severity                int
	message, cause, manager string
}

// Diff compares the ledger's state at from with its state at to, from events: a finding is
// open at a time when its last event at or before it is not "resolved". Findings that opened
// and resolved inside the range cancel out.
func (l *Ledger) Diff(ctx context.Context, from, to time.Time) (*Diff, error) {
	if to.Before(from) {
		return nil, fmt.Errorf("%w: diff from %s to the earlier %s", ErrInvalid, from.Format(time.RFC3339), to.Format(time.RFC3339))
	}
	f, t := nanos(from), nanos(to)
	baseline := map[string]diffEvent{}
	err := l.query(ctx, `SELECT key, type, severity, message FROM (
	SELECT e.key, e.type, e.severity, e.message,
		ROW_NUMBER() OVER (PARTITION BY e.key ORDER BY e.at DESC, e.id DESC) AS rn
	FROM events e
	WHERE e.at <= ? AND e.key IN (SELECT w.key FROM events w WHERE w.at > ? AND w.at <= ?)
) b WHERE b.rn = 1`, []any{f, f, t}, func(rs *sql.Rows) error {
		var k string
		var e diffEvent
		if err := rs.Scan(&k, &e.typ, &e.severity, &e.message); err != nil {
			return err
		}
		baseline[k] = e
		return nil
	})
	if err != nil {
		return nil, err
	}
	d := &Diff{From: from.UTC(), To: to.UTC(), Worse: []Change{}, Better: []Change{}}
	var cur []diffEvent
	var curRow row
	flush := func() {
		if len(cur) > 0 {
			base, ok := baseline[curRow.key]
			d.add(&curRow, base, ok, cur)
		}
		cur = cur[:0]
	}
	err = l.query(ctx, `SELECT f.key, f.check_id, f.slug, f.layer, f.api_version, f.kind, f.namespace, f.name, f.uid, f.path,
	e.at, e.type, e.severity, e.message, e.cause, e.manager
FROM events e JOIN findings f ON f.key = e.key
WHERE e.at > ? AND e.at <= ?
ORDER BY e.key, e.at, e.id`, []any{f, t}, func(rs *sql.Rows) error {
		var r row
		var e diffEvent
		if err := rs.Scan(&r.key, &r.checkID, &r.slug, &r.layer, &r.apiVersion, &r.kind, &r.namespace, &r.name, &r.uid, &r.path,
			&e.at, &e.typ, &e.severity, &e.message, &e.cause, &e.manager); err != nil {
			return err
		}
		if r.key != curRow.key {
			flush()
			curRow = r
		}
		cur = append(cur, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	flush()
	sortChanges(d.Worse)
	sortChanges(d.Better)
	return d, nil
}

// add classifies one finding from its state at the start (base, if any event precedes the
// range) and its events inside the range.
func (d *Diff) add(r *row, base diffEvent, hasBase bool, evs []diffEvent) {
	last := evs[len(evs)-1]
	openTo := last.typ != "resolved"
	var openFrom bool
	sevFrom := 0
	if hasBase {
		openFrom, sevFrom = base.typ != "resolved", base.severity
	} else {
		// History before the range was pruned: the ledger only records resolved and changed
		// events for open findings, so those prove the finding was open.
		openFrom = evs[0].typ != "new"
	}
	c := Change{
		Key: r.key, CheckID: r.checkID, Slug: r.slug, Layer: check.Layer(r.layer),
		Object: check.Ref{APIVersion: r.apiVersion, Kind: r.kind, Namespace: r.namespace, Name: r.name, UID: r.uid},
		Path:   r.path,
	}
	by := func(e diffEvent) {
		c.At, c.Cause, c.Manager = fromNanos(e.at), e.cause, e.manager
		c.Severity, c.Message = check.Severity(e.severity), e.message
	}
	switch {
	case !openFrom && openTo:
		// Attributed to the event that opened the current occurrence.
		for i := len(evs) - 1; i >= 0; i-- {
			if evs[i].typ == "new" {
				by(evs[i])
				break
			}
		}
		c.Kind, c.Severity, c.Message = ChangeNew, check.Severity(last.severity), last.message
		d.Worse = append(d.Worse, c)
	case openFrom && !openTo:
		by(last)
		c.Kind = ChangeResolved
		if hasBase {
			c.Severity, c.Message = check.Severity(base.severity), base.message
		}
		d.Better = append(d.Better, c)
	case openFrom && openTo && hasBase && last.severity != sevFrom:
		by(lastOf(evs, "changed", last))
		c.Severity, c.Message, c.Previous = check.Severity(last.severity), last.message, check.Severity(sevFrom)
		if last.severity > sevFrom {
			c.Kind = ChangeRaised
			d.Worse = append(d.Worse, c)
		} else {
			c.Kind = ChangeLowered
			d.Better = append(d.Better, c)
		}
	}
}

func lastOf(evs []diffEvent, typ string, fallback diffEvent) diffEvent {
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].typ == typ {
			return evs[i]
		}
	}
	return fallback
}

// sortChanges orders the most severe first, then by check, object and path.
func sortChanges(cs []Change) {
	sort.SliceStable(cs, func(i, j int) bool {
		a, b := cs[i], cs[j]
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		if a.CheckID != b.CheckID {
			return a.CheckID < b.CheckID
		}
		if as, bs := a.Object.String(), b.Object.String(); as != bs {
			return as < bs
		}
		return a.Path < b.Path
	})
}

// DiffSnapshots diffs the ledger between the times two snapshots were taken and attaches both.
func (l *Ledger) DiffSnapshots(ctx context.Context, idA, idB int64) (*Diff, error) {
	a, err := l.SnapshotByID(ctx, idA)
	if err != nil {
		return nil, err
	}
	b, err := l.SnapshotByID(ctx, idB)
	if err != nil {
		return nil, err
	}
	if b.At.Before(a.At) {
		return nil, fmt.Errorf("%w: snapshot %d (%s) was taken before snapshot %d (%s)", ErrInvalid,
			idB, b.At.Format(time.RFC3339), idA, a.At.Format(time.RFC3339))
	}
	d, err := l.Diff(ctx, a.At, b.At)
	if err != nil {
		return nil, err
	}
	d.FromSnapshot, d.ToSnapshot = a, b
	return d, nil
}

// maxTimeArg bounds a time argument: an RFC 3339 time or a duration is far shorter.
const maxTimeArg = 64

// ParseTime reads a point in time for a diff: an RFC 3339 time ("2026-11-26T09:00:00Z"), a
// date ("2026-11-26", UTC midnight), "now", or a duration before now ("24h", "90m", "7d").
func ParseTime(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, errors.New("empty time")
	}
	if len(s) > maxTimeArg {
		return time.Time{}, fmt.Errorf("time %.20q... is too long", s)
	}
	if s == "now" {
		return now, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	d, err := ParseDuration(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither an RFC 3339 time, a date (YYYY-MM-DD) nor a duration (24h, 7d)", s)
	}
	return now.Add(-d), nil
}

// ParseDuration reads a non-negative duration: Go's syntax plus whole days ("7d").
func ParseDuration(s string) (time.Duration, error) {
	if len(s) > maxTimeArg {
		return 0, errors.New("duration is too long")
	}
	if n, ok := strings.CutSuffix(s, "d"); ok && n != "" && !strings.ContainsAny(n, "hmsunµ.") {
		var days int
		if _, err := fmt.Sscanf(n, "%d", &days); err != nil || fmt.Sprint(days) != n || days < 0 || days > 36500 {
			return 0, fmt.Errorf("invalid duration %q", s)
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, err
	}
	if d < 0 {
		return 0, fmt.Errorf("negative duration %q", s)
	}
	return d, nil
}
