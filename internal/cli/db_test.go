package cli

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/strata-sec/strata/internal/vulndb/k8s"
)

// runDB runs 'strata db ...' through the root command.
func runDB(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	streams := IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}
	root := NewRootCommand(streams, "strata")
	root.SetArgs(append([]string{"db"}, args...))
	err := root.ExecuteContext(context.Background())
	if err != nil {
		errOut.WriteString("Error: " + err.Error() + "\n")
	}
	return out.String(), errOut.String(), exitCode(err)
}

const testFeed = `{
  "version": "https://jsonfeed.org/version/1.1",
  "title": "Kubernetes Vulnerability Announcements - CVE Feed",
  "items": [
    {"id": "CVE-2024-10220", "url": "https://github.com/kubernetes/kubernetes/issues/128885",
     "summary": "Arbitrary command execution through gitRepo volume", "date_published": "2024-11-20T15:30:44Z"},
    {"id": "CVE-2026-99901", "url": "https://github.com/kubernetes/kubernetes/issues/139001",
     "summary": "A newly announced issue", "date_published": "2026-11-30T10:00:00Z"}
  ]
}`

func feedServer(t *testing.T, handler http.HandlerFunc) string {
	t.Helper()
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestDBUpdate(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_DATA_HOME", dir)
	path := filepath.Join(dir, "strata", k8s.LocalFile)
	url := feedServer(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/feed+json")
		_, _ = w.Write([]byte(testFeed))
	})

	out, errOut, code := runDB(t, "update", "--feed-url", url)
	if code != 0 {
		t.Fatalf("exit %d: %s%s", code, out, errOut)
	}
	for _, want := range []string{
		"Merged the Kubernetes CVE feed into " + path,
		"added   CVE-2026-99901 (2026-11-30): A newly announced issue — published; affected versions not in the dataset",
		"1 added, 0 updated, 1 already known.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	db, err := k8s.Load()
	if err != nil || db.Source() != path || len(db.Unranged()) != 1 {
		t.Fatalf("Load after update = %v, %v", db, err)
	}

	out, _, code = runDB(t, "update", "--feed-url", url)
	if code != 0 || !strings.Contains(out, "No new CVEs: the dataset already holds the 2 in the feed.") {
		t.Errorf("second update (exit %d):\n%s", code, out)
	}
}

func TestDBUpdateFailuresLeaveDatasetUntouched(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_DATA_HOME", dir)
	path := filepath.Join(dir, "strata", k8s.LocalFile)
	good := feedServer(t, func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(testFeed)) })
	if _, errOut, code := runDB(t, "update", "--feed-url", good); code != 0 {
		t.Fatalf("first update failed: %s", errOut)
	}
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		handler http.HandlerFunc
		args    []string
		want    string
	}{
		"server error": {func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "down", http.StatusBadGateway) }, nil, "502 Bad Gateway"},
		"not a feed":   {func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("<html>maintenance</html>")) }, nil, "parse CVE feed"},
		"empty feed": {func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write([]byte(`{"version": "https://jsonfeed.org/version/1.1", "items": []}`))
		}, nil, "lists no CVEs"},
		"timeout": {func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-time.After(2 * time.Second):
			case <-r.Context().Done():
			}
		}, []string{"--timeout", "100ms"}, "no answer within 100ms"},
	} {
		t.Run(name, func(t *testing.T) {
			url := feedServer(t, tc.handler)
			out, errOut, code := runDB(t, append([]string{"update", "--feed-url", url}, tc.args...)...)
			if code != ExitUsage || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stderr %q, want exit 2 and %q (stdout %q)", code, errOut, tc.want, out)
			}
			after, err := os.ReadFile(path)
			if err != nil || !bytes.Equal(before, after) {
				t.Errorf("the dataset changed after a failed update (%v)", err)
			}
		})
	}
	if _, errOut, code := runDB(t, "update", "--timeout", "0s"); code != ExitUsage || !strings.Contains(errOut, "--timeout") {
		t.Errorf("--timeout 0s: exit %d, %s", code, errOut)
	}
	if err := os.WriteFile(path, []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := runDB(t, "update", "--feed-url", good); code != ExitUsage || !strings.Contains(errOut, path) {
		t.Errorf("a corrupt local dataset: exit %d, %s", code, errOut)
	}
}
