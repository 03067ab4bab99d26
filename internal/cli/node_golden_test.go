package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/strata-sec/strata/internal/golden"
	"github.com/strata-sec/strata/internal/nodefacts/noderoot"
)

// TestNodeReportsGolden runs `strata node --root` on every fixture node root (a kubeadm
// control-plane node and a worker, hardened and misconfigured) and compares the whole JSON
// report with a reviewed golden file. File owners only match the fixtures when the test runs
// as root (as CI does), so elsewhere it skips and says why.
func TestNodeReportsGolden(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("node fixture roots need real file owners: run as root (CI does)")
	}
	names, err := noderoot.Names()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			root := noderoot.Prepare(t, name)
			out, errOut, code := run(t, "", "node", "--root", root, "--format", "json")
			if code != ExitOK && code != ExitFindings && code != ExitUsage {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var keep []string
			for _, line := range strings.Split(strings.ReplaceAll(out, root, "ROOT"), "\n") {
				if !strings.Contains(line, `"generatedAt"`) {
					keep = append(keep, line)
				}
			}
			got := fmt.Sprintf("exit %d\n%s", code, strings.Join(keep, "\n"))
			golden.Compare(t, filepath.Join("testdata", "node", name+".json.golden"), []byte(got))
		})
	}
}
