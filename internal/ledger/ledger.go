package ledger

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	// Both drivers register themselves with database/sql; neither needs cgo.
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// lockID is the PostgreSQL advisory lock every writing transaction takes: writers, migrations
// and reconciliations of one ledger run one at a time, so reads-then-writes never race.
const lockID = 0x5374726174614c67 // "StrataLg"

// Ledger is an open posture ledger. It is safe for concurrent use.
type Ledger struct {
	db *sql.DB
	t  target
}

// Open connects to the ledger named by dsn and brings its schema up to date. dsn is "" (the
// default SQLite file, see DefaultPath), "sqlite:PATH" or a plain path (SQLite), or a
// postgres:// or postgresql:// URL. Errors never contain the password.
func Open(ctx context.Context, dsn string) (*Ledger, error) {
	t, err := parseDSN(dsn)
	if err != nil {
		return nil, err
	}
	driver := "sqlite"
	if t.dialect == dialectPostgres {
		driver = "pgx"
	} else {
		path, _, _ := strings.Cut(t.driver, "?")
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("open ledger %s: %w", t.display, err)
		}
	}
	db, err := sql.Open(driver, t.driver)
	if err != nil {
		return nil, fmt.Errorf("open ledger %s: %w", t.display, t.scrub(err))
	}
	db.SetConnMaxIdleTime(5 * time.Minute)
	if t.dialect == dialectPostgres {
		db.SetMaxOpenConns(8)
	} else {
		// One writer at a time anyway; a few readers share the WAL.
		db.SetMaxOpenConns(4)
	}
	l := &Ledger{db: db, t: t}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open ledger %s: %w", t.display, t.scrub(err))
	}
	if err := l.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate ledger %s: %w", t.display, t.scrub(err))
	}
	return l, nil
}

// Close closes the database.
func (l *Ledger) Close() error { return l.db.Close() }

// String names the ledger without its password.
func (l *Ledger) String() string { return l.t.display }

// Ping checks that the database answers.
func (l *Ledger) Ping(ctx context.Context) error {
	return l.wrap("ping", l.db.PingContext(ctx))
}

func (l *Ledger) wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("ledger %s: %s: %w", l.t.display, op, l.t.scrub(err))
}

// rebind turns the '?' placeholders of q into the dialect's.
func (l *Ledger) rebind(q string) string {
	if l.t.dialect != dialectPostgres {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// tx runs fn in a writing transaction: BEGIN IMMEDIATE on SQLite, the advisory lock on
// PostgreSQL. fn's error rolls back.
func (l *Ledger) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := l.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if l.t.dialect == dialectPostgres {
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", int64(lockID)); err != nil {
			tx.Rollback()
			return err
		}
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

type migration struct {
	version int
	name    string
	sql     string
}

func migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must start with a positive number and '_'", e.Name())
		}
		data, err := migrationFS.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: e.Name(), sql: string(data)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// statements splits a migration into statements and fills in the dialect's types.
func (l *Ledger) statements(src string) []string {
	id := "INTEGER PRIMARY KEY AUTOINCREMENT"
	if l.t.dialect == dialectPostgres {
		id = "BIGSERIAL PRIMARY KEY"
	}
	var out []string
	for _, s := range strings.Split(src, ";\n") {
		var lines []string
		for _, line := range strings.Split(s, "\n") {
			if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "--") {
				lines = append(lines, line)
			}
		}
		if stmt := strings.TrimSpace(strings.Join(lines, "\n")); stmt != "" {
			out = append(out, strings.ReplaceAll(strings.TrimSuffix(stmt, ";"), "{{id}}", id))
		}
	}
	return out
}

// migrate applies every migration not applied yet, all in one transaction, so a concurrent or
// interrupted open never leaves a half-migrated schema.
func (l *Ledger) migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	return l.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
	version    INTEGER PRIMARY KEY,
	name       TEXT NOT NULL,
	applied_at BIGINT NOT NULL)`); err != nil {
			return err
		}
		applied := map[int]bool{}
		rows, err := tx.QueryContext(ctx, "SELECT version FROM schema_migrations")
		if err != nil {
			return err
		}
		for rows.Next() {
			var v int
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return err
			}
			applied[v] = true
		}
		if err := rows.Close(); err != nil {
			return err
		}
		for _, m := range ms {
			if applied[m.version] {
				continue
			}
			for _, stmt := range l.statements(m.sql) {
				if _, err := tx.ExecContext(ctx, stmt); err != nil {
					return fmt.Errorf("%s: %w", m.name, err)
				}
			}
			if _, err := tx.ExecContext(ctx, l.rebind("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)"),
				m.version, m.name, time.Now().UnixNano()); err != nil {
				return fmt.Errorf("%s: %w", m.name, err)
			}
		}
		return nil
	})
}

// SchemaVersion returns the highest applied migration.
func (l *Ledger) SchemaVersion(ctx context.Context) (int, error) {
	var v sql.NullInt64
	err := l.db.QueryRowContext(ctx, "SELECT MAX(version) FROM schema_migrations").Scan(&v)
	return int(v.Int64), l.wrap("schema version", err)
}

// nanos is how times are stored: Unix nanoseconds, clamped to what int64 holds (zero is 0).
func nanos(t time.Time) int64 {
	switch {
	case t.IsZero() || t.Before(minTime):
		return 0
	case t.After(maxTime):
		return maxTime.UnixNano()
	}
	return t.UnixNano()
}

var (
	minTime = time.Unix(0, 0)
	maxTime = time.Unix(0, 1<<63-1)
)

func fromNanos(n int64) time.Time { return time.Unix(0, n).UTC() }

// OpenExisting is Open for readers: a SQLite ledger file must already exist, so that a typo
// in a path reads as an error, not as an empty, all-clear history.
func OpenExisting(ctx context.Context, dsn string) (*Ledger, error) {
	t, err := parseDSN(dsn)
	if err != nil {
		return nil, err
	}
	if t.dialect == dialectSQLite {
		path, _, _ := strings.Cut(t.driver, "?")
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("no ledger at %s: %w", path, err)
		}
	}
	return Open(ctx, dsn)
}

// History returns the time of the oldest and newest events; ok is false when there are none.
func (l *Ledger) History(ctx context.Context) (oldest, newest time.Time, ok bool, err error) {
	var lo, hi sql.NullInt64
	if err := l.db.QueryRowContext(ctx, "SELECT MIN(at), MAX(at) FROM events").Scan(&lo, &hi); err != nil {
		return time.Time{}, time.Time{}, false, l.wrap("history", err)
	}
	if !lo.Valid {
		return time.Time{}, time.Time{}, false, nil
	}
	return fromNanos(lo.Int64), fromNanos(hi.Int64), true, nil
}
