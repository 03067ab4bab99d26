package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/strata-sec/strata/internal/imagefacts"
	"github.com/strata-sec/strata/internal/vulndb/osv"
)

const osvFixtures = "../vulndb/osv/testdata"

func TestDBImport(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "osv")
	out, errOut, code := runDB(t, "import", filepath.Join(osvFixtures, "osv"), "--db-dir", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s%s", code, out, errOut)
	}
	for _, want := range []string{
		"Imported 8 OSV records from " + filepath.Join(osvFixtures, "osv") + " into " + dir + ".",
		"8 new, 0 updated, 0 ignored because the database holds a copy modified later, 1 withdrawn.",
		"Ecosystems: Alpine:v3.19 (2), Debian:11 (1), Debian:12 (3), Go (2).",
		"Database " + dir + ": OSV (Alpine, Debian, Go), 7 records, imported ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if errOut != "" {
		t.Errorf("stderr: %s", errOut)
	}
	db, err := osv.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	vs, _, err := db.Match([]imagefacts.Package{{Ecosystem: "Debian", Distro: "12", Name: "libssl3", Source: "openssl", Version: "3.0.11-1~deb12u2"}}, imagefacts.OS{})
	if err != nil || len(vs) != 1 || vs[0].ID != "STRATA-TEST-2024-0001" {
		t.Errorf("match after CLI import = %+v, %v", vs, err)
	}

	// Importing again updates in place: the same records are replaced by themselves.
	out, _, code = runDB(t, "import", filepath.Join(osvFixtures, "osv"), "--db-dir", dir)
	if code != 0 || !strings.Contains(out, "0 new, 8 updated") {
		t.Errorf("second import (exit %d):\n%s", code, out)
	}
}

func TestDBImportDefaultDirAndSkipped(t *testing.T) {
	data := t.TempDir()
	t.Setenv("XDG_DATA_HOME", data)
	src := t.TempDir()
	for _, name := range []string{"osv/go/STRATA-TEST-2024-0006.json", "invalid/no-id.json"} {
		b, err := os.ReadFile(filepath.Join(osvFixtures, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(src, filepath.Base(name)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, errOut, code := runDB(t, "import", src)
	if code != 0 {
		t.Fatalf("exit %d: %s%s", code, out, errOut)
	}
	want := filepath.Join(data, "strata", "osv")
	if !strings.Contains(out, "into "+want+".") {
		t.Errorf("database not in the default directory %s:\n%s", want, out)
	}
	if !strings.Contains(errOut, "Skipped 1 invalid records:\n  "+filepath.Join(src, "no-id.json")+": id: missing") {
		t.Errorf("stderr does not name the skipped file:\n%s", errOut)
	}
}

func TestDBImportErrors(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "osv")
	missing := filepath.Join(t.TempDir(), "nope.zip")
	_, errOut, code := runDB(t, "import", missing, "--db-dir", dir)
	if code != ExitUsage || !strings.Contains(errOut, missing+": no such file or directory") {
		t.Errorf("missing PATH: exit %d, %s", code, errOut)
	}
	_, errOut, code = runDB(t, "import", "--db-dir", dir)
	if code != ExitUsage || !strings.Contains(errOut, "exactly one PATH") {
		t.Errorf("no PATH: exit %d, %s", code, errOut)
	}
	_, errOut, code = runDB(t, "import", filepath.Join(osvFixtures, "invalid"), "--db-dir", dir)
	if code != ExitUsage || !strings.Contains(errOut, "no valid OSV record") || !strings.Contains(errOut, "Skipped 3 invalid records") {
		t.Errorf("nothing valid: exit %d, %s", code, errOut)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("a failed import created %s (%v)", dir, err)
	}
}
