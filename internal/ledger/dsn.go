package ledger

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// dialect is the SQL flavour of a ledger database.
type dialect int

const (
	dialectSQLite dialect = iota + 1
	dialectPostgres
)

func (d dialect) String() string {
	if d == dialectPostgres {
		return "postgres"
	}
	return "sqlite"
}

// maxDSNLen bounds a DSN: anything longer is a mistake, not a database address.
const maxDSNLen = 4096

// target is a parsed DSN: which database, the driver's connection string, a form safe to show
// (password removed) and the password itself so errors can be scrubbed of it.
type target struct {
	dialect  dialect
	driver   string // driver connection string
	display  string // for messages: never holds the password
	password string
}

// DefaultPath is where the ledger lives when no DSN is given: $XDG_DATA_HOME/strata/ledger.db,
// or ~/.local/share/strata/ledger.db.
func DefaultPath() (string, error) {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "strata", "ledger.db"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return "", errors.New("cannot locate a data directory for the ledger: set XDG_DATA_HOME or HOME, or pass a DSN")
	}
	return filepath.Join(home, ".local", "share", "strata", "ledger.db"), nil
}

// parseDSN reads "" (the default SQLite file), "sqlite:PATH", a plain path, or a
// postgres:// / postgresql:// URL.
func parseDSN(dsn string) (target, error) {
	if len(dsn) > maxDSNLen {
		return target{}, fmt.Errorf("ledger DSN is longer than %d bytes", maxDSNLen)
	}
	if strings.ContainsRune(dsn, 0) {
		return target{}, errors.New("ledger DSN contains a NUL byte")
	}
	lower := strings.ToLower(dsn)
	switch {
	case strings.HasPrefix(lower, "postgres://"), strings.HasPrefix(lower, "postgresql://"):
		return parsePostgres(dsn)
	case strings.Contains(dsn, "://"):
		scheme, _, _ := strings.Cut(dsn, "://")
		return target{}, fmt.Errorf("ledger DSN: unsupported scheme %q (valid: sqlite:PATH, a file path, postgres://...)", scheme)
	case strings.HasPrefix(lower, "sqlite:"):
		path := dsn[len("sqlite:"):]
		if path == "" {
			return target{}, errors.New("ledger DSN: sqlite: needs a file path")
		}
		return sqliteTarget(path)
	case dsn == "":
		path, err := DefaultPath()
		if err != nil {
			return target{}, err
		}
		return sqliteTarget(path)
	default:
		return sqliteTarget(dsn)
	}
}

func sqliteTarget(path string) (target, error) {
	// The driver splits its parameters off at the first '?', and ':memory:'-style names would
	// give every pooled connection its own empty database.
	if strings.ContainsAny(path, "?#") {
		return target{}, fmt.Errorf("ledger path %q: '?' and '#' are not allowed in a ledger file name", path)
	}
	if strings.HasPrefix(path, ":") || strings.HasPrefix(path, "file:") {
		return target{}, fmt.Errorf("ledger path %q: give a file path", path)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return target{}, fmt.Errorf("ledger path %q: %w", path, err)
	}
	q := url.Values{}
	// busy_timeout first so that switching to WAL waits for other openers instead of failing.
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	// Writers take the write lock at BEGIN, so a read-then-write transaction never fails to
	// upgrade its lock half-way.
	q.Set("_txlock", "immediate")
	return target{dialect: dialectSQLite, driver: abs + "?" + q.Encode(), display: "sqlite:" + abs}, nil
}

func parsePostgres(dsn string) (target, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		// url's errors quote the whole input, password included.
		return target{}, errors.New("ledger DSN: not a valid postgres:// URL")
	}
	if u.Host == "" && u.Query().Get("host") == "" {
		return target{}, errors.New("ledger DSN: postgres URL has no host")
	}
	pw, _ := u.User.Password()
	shown := *u
	if q := u.Query(); q.Has("password") {
		pw = q.Get("password")
		q.Set("password", "xxxxx")
		shown.RawQuery = q.Encode()
	}
	return target{dialect: dialectPostgres, driver: dsn, display: shown.Redacted(), password: pw}, nil
}

// scrub removes the password from an error message: drivers sometimes echo their input.
func (t target) scrub(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if t.password == "" || !strings.Contains(msg, t.password) {
		return err
	}
	return errors.New(strings.ReplaceAll(msg, t.password, "xxxxx"))
}
