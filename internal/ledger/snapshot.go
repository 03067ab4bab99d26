package ledger

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"time"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/posture"
)

// LayerCoverage counts how the checks of one layer ended.
type LayerCoverage struct {
	Pass        int `json:"pass"`
	Fail        int `json:"fail"`
	NotAssessed int `json:"notAssessed"`
	Error       int `json:"error"`
}

// Snapshot is the posture's counts at one time: a point of the posture-over-time chart.
type Snapshot struct {
	ID    int64     `json:"id"`
	At    time.Time `json:"at"`
	Total int       `json:"total"`
	// BySeverity counts findings by severity name.
	BySeverity map[string]int `json:"bySeverity"`
	// ByLayer counts findings by layer, then severity name.
	ByLayer  map[check.Layer]map[string]int `json:"byLayer"`
	Coverage map[check.Layer]LayerCoverage  `json:"coverage"`
}

// unknownLayer holds coverage of checks the posture carries no metadata for.
const unknownLayer check.Layer = "unknown"

// snapshotOf counts p's findings and coverage.
func snapshotOf(p *posture.Posture, at time.Time) Snapshot {
	s := Snapshot{At: at, BySeverity: map[string]int{}, ByLayer: map[check.Layer]map[string]int{}, Coverage: map[check.Layer]LayerCoverage{}}
	for _, f := range p.Findings {
		if f == nil || f.Check == nil {
			continue
		}
		s.Total++
		sev := f.Severity.String()
		s.BySeverity[sev]++
		if s.ByLayer[f.Check.Layer] == nil {
			s.ByLayer[f.Check.Layer] = map[string]int{}
		}
		s.ByLayer[f.Check.Layer][sev]++
	}
	layers := make(map[string]check.Layer, len(p.Checks))
	for _, m := range p.Checks {
		if m != nil {
			layers[m.ID] = m.Layer
		}
	}
	for _, c := range p.Coverage {
		layer, ok := layers[c.CheckID]
		if !ok {
			layer = unknownLayer
		}
		lc := s.Coverage[layer]
		switch c.Status {
		case posture.StatusPass:
			lc.Pass++
		case posture.StatusFail:
			lc.Fail++
		case posture.StatusNotAssessed:
			lc.NotAssessed++
		default:
			lc.Error++
		}
		s.Coverage[layer] = lc
	}
	return s
}

// Snapshot stores p's counts at at and returns the snapshot's ID.
func (l *Ledger) Snapshot(ctx context.Context, p *posture.Posture, at time.Time) (int64, error) {
	if p == nil {
		return 0, fmt.Errorf("%w: snapshot without a posture", ErrInvalid)
	}
	return l.insertSnapshot(ctx, snapshotOf(p, at))
}

func (l *Ledger) insertSnapshot(ctx context.Context, s Snapshot) (int64, error) {
	var id int64
	err := l.tx(ctx, func(tx *sql.Tx) error {
		sev := func(v check.Severity) int { return s.BySeverity[v.String()] }
		err := tx.QueryRowContext(ctx, l.rebind("INSERT INTO snapshots (at, total, critical, high, medium, low, info) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id"),
			nanos(s.At), s.Total, sev(check.SeverityCritical), sev(check.SeverityHigh), sev(check.SeverityMedium),
			sev(check.SeverityLow), sev(check.SeverityInfo)).Scan(&id)
		if err != nil {
			return err
		}
		for layer, bySev := range s.ByLayer {
			for name, n := range bySev {
				v, err := check.ParseSeverity(name)
				if err != nil {
					return fmt.Errorf("%w: %v", ErrInvalid, err)
				}
				if _, err := tx.ExecContext(ctx, l.rebind("INSERT INTO snapshot_counts (snapshot_id, layer, severity, findings) VALUES (?, ?, ?, ?)"),
					id, string(layer), int(v), n); err != nil {
					return err
				}
			}
		}
		for layer, c := range s.Coverage {
			if _, err := tx.ExecContext(ctx, l.rebind("INSERT INTO snapshot_coverage (snapshot_id, layer, pass, fail, not_assessed, error) VALUES (?, ?, ?, ?, ?, ?)"),
				id, string(layer), c.Pass, c.Fail, c.NotAssessed, c.Error); err != nil {
				return err
			}
		}
		return nil
	})
	return id, l.wrap("store snapshot", err)
}

// Snapshots returns the snapshots taken at or after since, oldest first.
func (l *Ledger) Snapshots(ctx context.Context, since time.Time) ([]Snapshot, error) {
	return l.snapshots(ctx, "s.at >= ?", nanos(since))
}

// SnapshotByID returns one snapshot; a missing ID is an error.
func (l *Ledger) SnapshotByID(ctx context.Context, id int64) (*Snapshot, error) {
	ss, err := l.snapshots(ctx, "s.id = ?", id)
	if err != nil {
		return nil, err
	}
	if len(ss) == 0 {
		return nil, fmt.Errorf("ledger %s: no snapshot %d", l.t.display, id)
	}
	return &ss[0], nil
}

func (l *Ledger) snapshots(ctx context.Context, cond string, arg any) ([]Snapshot, error) {
	var out []Snapshot
	index := map[int64]int{}
	err := l.query(ctx, "SELECT s.id, s.at, s.total, s.critical, s.high, s.medium, s.low, s.info FROM snapshots s WHERE "+cond+" ORDER BY s.at, s.id",
		[]any{arg}, func(rs *sql.Rows) error {
			var s Snapshot
			var at int64
			var c [5]int
			if err := rs.Scan(&s.ID, &at, &s.Total, &c[0], &c[1], &c[2], &c[3], &c[4]); err != nil {
				return err
			}
			s.At = fromNanos(at)
			s.BySeverity = map[string]int{}
			for i, v := range check.Severities {
				if c[i] > 0 {
					s.BySeverity[v.String()] = c[i]
				}
			}
			s.ByLayer, s.Coverage = map[check.Layer]map[string]int{}, map[check.Layer]LayerCoverage{}
			index[s.ID] = len(out)
			out = append(out, s)
			return nil
		})
	if err != nil || len(out) == 0 {
		return out, err
	}
	err = l.query(ctx, "SELECT c.snapshot_id, c.layer, c.severity, c.findings FROM snapshot_counts c JOIN snapshots s ON s.id = c.snapshot_id WHERE "+cond,
		[]any{arg}, func(rs *sql.Rows) error {
			var id int64
			var layer string
			var sev, n int
			if err := rs.Scan(&id, &layer, &sev, &n); err != nil {
				return err
			}
			if i, ok := index[id]; ok {
				s := &out[i]
				if s.ByLayer[check.Layer(layer)] == nil {
					s.ByLayer[check.Layer(layer)] = map[string]int{}
				}
				s.ByLayer[check.Layer(layer)][check.Severity(sev).String()] = n
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	err = l.query(ctx, "SELECT c.snapshot_id, c.layer, c.pass, c.fail, c.not_assessed, c.error FROM snapshot_coverage c JOIN snapshots s ON s.id = c.snapshot_id WHERE "+cond,
		[]any{arg}, func(rs *sql.Rows) error {
			var id int64
			var layer string
			var c LayerCoverage
			if err := rs.Scan(&id, &layer, &c.Pass, &c.Fail, &c.NotAssessed, &c.Error); err != nil {
				return err
			}
			if i, ok := index[id]; ok {
				out[i].Coverage[check.Layer(layer)] = c
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out, nil
}

// query runs q and calls fn for each row.
func (l *Ledger) query(ctx context.Context, q string, args []any, fn func(*sql.Rows) error) error {
	rs, err := l.db.QueryContext(ctx, l.rebind(q), args...)
	if err != nil {
		return l.wrap("query", err)
	}
	defer rs.Close()
	for rs.Next() {
		if err := fn(rs); err != nil {
			return l.wrap("query", err)
		}
	}
	return l.wrap("query", rs.Err())
}
