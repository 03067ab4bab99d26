package cluster

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/checks/checktest"
	"github.com/strata-sec/strata/internal/engine"
	"github.com/strata-sec/strata/internal/inventory"
	"github.com/strata-sec/strata/internal/inventory/manifest"
	"github.com/strata-sec/strata/internal/posture"
	"github.com/strata-sec/strata/internal/vulndb/k8s"
)

const clusterInfoDoc = `apiVersion: strata.dev/v1alpha1
kind: ClusterInfo
metadata:
  name: cluster
server: https://203.0.113.10:6443
gitVersion: v1.30.2
platform: linux/amd64
anonymous:
- request: GET /version
  path: /version
  status: 200
  allowed: true
`

// TestClusterInfoDecodes checks that recorded cluster facts load from files as the typed
// object the version checks read, with field positions.
func TestClusterInfoDecodes(t *testing.T) {
	objs, errs := manifest.Decode("cluster.yaml", []byte(clusterInfoDoc))
	if len(errs) > 0 || len(objs) != 1 {
		t.Fatalf("Decode = %d objects, errors %v", len(objs), errs)
	}
	ci, ok := objs[0].Obj.(*check.ClusterInfo)
	if !ok {
		t.Fatalf("decoded as %T", objs[0].Obj)
	}
	if ci.GitVersion != "v1.30.2" || ci.Server != "https://203.0.113.10:6443" || len(ci.Anonymous) != 1 || !ci.Anonymous[0].Allowed {
		t.Errorf("decoded %+v", ci)
	}
	if objs[0].Ref.GroupKind() != check.ClusterInfoKind || objs[0].Ref.Name != "cluster" {
		t.Errorf("ref %+v", objs[0].Ref)
	}
	if line := objs[0].LocationOf("/gitVersion").Line; line != 6 {
		t.Errorf("gitVersion on line %d, want 6", line)
	}
	other, _ := manifest.Decode("other.yaml", []byte(strings.Replace(clusterInfoDoc, "v1alpha1", "v1", 1)))
	if len(other) != 1 {
		t.Fatal("an unknown version of ClusterInfo must still load")
	}
	if _, ok := other[0].Obj.(*unstructured.Unstructured); !ok {
		t.Errorf("strata.dev/v1 ClusterInfo decoded as %T, want Unstructured", other[0].Obj)
	}
}

func writeFixture(t *testing.T, content string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "input.yaml")
	if err := os.WriteFile(f, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestVersionChecksNotAssessed(t *testing.T) {
	noVersion := writeFixture(t, "apiVersion: strata.dev/v1alpha1\nkind: ClusterInfo\nmetadata:\n  name: cluster\n")
	future := writeFixture(t, strings.Replace(clusterInfoDoc, "v1.30.2", "v1.38.0", 1))
	garbage := writeFixture(t, strings.Replace(clusterInfoDoc, "v1.30.2", "unknown", 1))
	nodeWithout := writeFixture(t, "apiVersion: v1\nkind: Node\nmetadata:\n  name: n1\n")
	data := vulnDataset()
	for _, tc := range []struct {
		c    check.Check
		file string
		why  string
	}{
		{versionEOL(data), noVersion, "version was not recorded"},
		{versionEOL(data), future, "newer than the release dataset of 2026-11-26"},
		{versionCVEs(data), garbage, `reports "unknown"`},
		{versionUnfixedCVEs(data), noVersion, "version was not recorded"},
		{versionNodeCVEs(data), nodeWithout, "node n1 reports no kubelet version"},
		{versionNodeSkew(data), nodeWithout, "no Node reports a kubelet version"},
		{versionNodeSkew(data), noVersion, "no Node in the input"},
	} {
		cov := coverageOf(t, tc.c, tc.file)
		if cov.Status != posture.StatusNotAssessed || !strings.Contains(cov.Reason, tc.why) {
			t.Errorf("%s: %s (%s), want not-assessed because %q", tc.c.Metadata().ID, cov.Status, cov.Reason, tc.why)
		}
	}
}

// TestBrokenDatasetIsAnError: a local dataset that does not load must not turn into passes.
func TestBrokenDatasetIsAnError(t *testing.T) {
	broken := &vulnData{err: errors.New("/home/u/.local/share/strata/k8s-cve.json: invalid JSON")}
	res, err := manifest.Load(context.Background(), []string{filepath.Join("testdata", "ST-0101", "fail", "cluster-on-1.24.3.yaml")}, manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []check.Check{versionEOL(broken), versionCVEs(broken), versionUnfixedCVEs(broken)} {
		p, err := engine.Evaluate(context.Background(), inventory.NewIndex(res.Objects), engine.Options{
			Checks: []check.Check{c}, Env: checktest.DefaultEnv(), Now: time.Now(),
		})
		if err != nil {
			t.Fatal(err)
		}
		if cov := p.Coverage[0]; cov.Status != posture.StatusError || !strings.Contains(strings.Join(cov.Errors, " "), "k8s-cve.json") {
			t.Errorf("%s with a broken dataset: %+v", c.Metadata().ID, cov)
		}
	}
}

func TestSkewProblem(t *testing.T) {
	for _, tc := range []struct{ kubelet, api, want string }{
		{"v1.37.2", "v1.37.2", ""},
		{"v1.34.0", "v1.37.2", ""},
		{"v1.33.9", "v1.37.2", "4 minor releases older, and the skew policy allows 3"},
		{"v1.25.0", "v1.27.1", ""},
		{"v1.24.17", "v1.27.1", "3 minor releases older, and the skew policy allows 2"},
		{"v1.25.0", "v1.28.0", ""}, // 1.28 widened the policy to three
		{"v1.37.1", "v1.36.9", "must not be newer"},
		{"v1.37.0-rc.1", "v1.37.0", ""},
		{"v1.29.3-eks-1a2b", "v1.30.1-eks-9f8e", ""},
	} {
		k, err1 := k8s.ParseVersion(tc.kubelet)
		a, err2 := k8s.ParseVersion(tc.api)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		got := skewProblem(k, a)
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("skewProblem(%s, %s) = %q, want %q", tc.kubelet, tc.api, got, tc.want)
		}
	}
}
