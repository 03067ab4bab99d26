package ledger

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestParseDSN(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", "/data")
	cases := []struct {
		in      string
		dialect dialect
		display string
		bad     bool
	}{
		{"", dialectSQLite, "sqlite:/data/strata/ledger.db", false},
		{"sqlite:/tmp/l.db", dialectSQLite, "sqlite:/tmp/l.db", false},
		{"/tmp/l.db", dialectSQLite, "sqlite:/tmp/l.db", false},
		{"postgres://u:s3cret@db:5432/strata", dialectPostgres, "postgres://u:xxxxx@db:5432/strata", false},
		{"postgresql://u@db/strata?password=s3cret&sslmode=require", dialectPostgres, "postgresql://u@db/strata?password=xxxxx&sslmode=require", false},
		{"mysql://u:s3cret@db/x", 0, "", true},
		{"sqlite:", 0, "", true},
		{"/tmp/l.db?mode=memory", 0, "", true},
		{"sqlite::memory:", 0, "", true},
		{"postgres://u:s3cret@/strata", 0, "", true},
		{"postgres://u:s3cret@db:%zz/x", 0, "", true},
	}
	for _, c := range cases {
		got, err := parseDSN(c.in)
		if c.bad {
			if err == nil {
				t.Errorf("%q: accepted", c.in)
			} else if strings.Contains(err.Error(), "s3cret") {
				t.Errorf("%q: error shows the password: %v", c.in, err)
			}
			continue
		}
		if err != nil || got.dialect != c.dialect || got.display != c.display {
			t.Errorf("%q: %v %q %v; want %v %q", c.in, got.dialect, got.display, err, c.dialect, c.display)
		}
	}
}

// TestOpenErrorHidesPassword connects to a port nobody listens on.
func TestOpenErrorHidesPassword(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := Open(ctx, "postgres://strata:hunter2secret@127.0.0.1:1/strata?connect_timeout=2")
	if err == nil {
		t.Fatal("connected to port 1")
	}
	if strings.Contains(err.Error(), "hunter2secret") || !strings.Contains(err.Error(), "xxxxx") {
		t.Fatalf("error: %v", err)
	}
}

func TestParseTime(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	cases := map[string]time.Time{
		"24h":                       now.Add(-24 * time.Hour),
		"7d":                        now.Add(-7 * 24 * time.Hour),
		"90m":                       now.Add(-90 * time.Minute),
		"now":                       now,
		"2026-11-20T08:00:00Z":      time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC),
		"2026-11-20T08:00:00+01:00": time.Date(2026, 11, 20, 7, 0, 0, 0, time.UTC),
		"2026-11-20":                time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC),
	}
	for in, want := range cases {
		got, err := ParseTime(in, now)
		if err != nil || !got.Equal(want) {
			t.Errorf("%q: %v %v, want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "-1h", "yesterday", "1.5d", "-3d", "3dd", "2026-13-01", "d", strings.Repeat("1", 100) + "h"} {
		if _, err := ParseTime(in, now); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}

func FuzzParseDSN(f *testing.F) {
	for _, s := range []string{"", "sqlite:/x", "postgres://u:pw@h/db", "postgresql://u@h/d?password=pw", "/a?b", "x://y", "postgres://:@/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, dsn string) {
		tg, err := parseDSN(dsn)
		if err != nil {
			return
		}
		if tg.dialect != dialectSQLite && tg.dialect != dialectPostgres {
			t.Fatalf("%q: no dialect", dsn)
		}
		if tg.password != "" && len(tg.password) > 3 && strings.Contains(tg.display, tg.password) {
			t.Fatalf("%q: display %q shows the password", dsn, tg.display)
		}
	})
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"24h", "7d", "now", "2026-11-20T08:00:00Z", "2026-11-20", "-1h", "99999999999d"} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseTime(s, now)
		if err == nil && got.After(now) && !strings.ContainsAny(s, "T-") {
			t.Fatalf("%q: a duration in the future: %v", s, got)
		}
	})
}
