package ledger

import (
	"context"
	"database/sql"
	"time"
)

// Pruned counts what Prune removed.
type Pruned struct {
	Events    int64 `json:"events"`
	Snapshots int64 `json:"snapshots"`
	Findings  int64 `json:"findings"`
}

// Prune removes history older than before: events and snapshots taken before it, and findings
// resolved before it. Open findings stay, whatever their age, with first_seen intact. Diffs
// whose start is before the oldest remaining event still see findings resolved or changed
// after it as open at the start, since the ledger records those events only for open findings.
func (l *Ledger) Prune(ctx context.Context, before time.Time) (Pruned, error) {
	var p Pruned
	b := nanos(before)
	err := l.tx(ctx, func(tx *sql.Tx) error {
		steps := []struct {
			q string
			n *int64
		}{
			{"DELETE FROM events WHERE at < ?", &p.Events},
			{"DELETE FROM snapshots WHERE at < ?", &p.Snapshots},
			// A resolved finding's events after before keep it: diffs join on it.
			{"DELETE FROM findings WHERE resolved_at < ? AND NOT EXISTS (SELECT 1 FROM events e WHERE e.key = findings.key)", &p.Findings},
		}
		for _, s := range steps {
			res, err := tx.ExecContext(ctx, l.rebind(s.q), b)
			if err != nil {
				return err
			}
			if *s.n, err = res.RowsAffected(); err != nil {
				return err
			}
		}
		return nil
	})
	return p, l.wrap("prune", err)
}
