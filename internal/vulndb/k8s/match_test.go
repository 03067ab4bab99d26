package k8s

import (
	"slices"
	"strings"
	"testing"
)

func ids(vs []Vuln) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.ID
	}
	return out
}

func find(vs []Vuln, id string) (Vuln, bool) {
	for _, v := range vs {
		if v.ID == id {
			return v, true
		}
	}
	return Vuln{}, false
}

// TestMatchBoundaries walks CVE-2024-10220 (kubelet; fixed in 1.28.12, 1.29.7, 1.30.3; every
// older release affected) across the edges of its ranges.
func TestMatchBoundaries(t *testing.T) {
	db := embeddedForTest(t)
	const id = "CVE-2024-10220"
	for _, tc := range []struct {
		version  string
		affected bool
		fixed    string // first fix on the version's line
		exact    bool
	}{
		{"v1.28.11", true, "v1.28.12", true},
		{"v1.28.12", false, "", true},
		{"v1.29.0", true, "v1.29.7", true},
		{"v1.29.6", true, "v1.29.7", true},
		{"v1.29.7", false, "", true},
		{"v1.30.2", true, "v1.30.3", true},
		{"v1.30.3", false, "", true},
		{"v1.31.0", false, "", true},
		{"v1.27.16", true, "", true},             // end of life before the fix: no fix on its line
		{"v1.30.0-rc.1", true, "v1.30.3", false}, // carries the code of v1.30.0
		{"v1.30.3-rc.0", true, "v1.30.3", false}, // only the release fixes
		{"v1.31.0-alpha.1", false, "", false},
		{"v1.29.3-eks-1a2b", true, "v1.29.7", false},
		{"v1.30.3+k3s1", false, "", false},
		{"v1.28.15-gke.1041000", false, "", false},
	} {
		vs := db.Match("kubelet", tc.version)
		v, ok := find(vs, id)
		if ok != tc.affected {
			t.Errorf("%s: affected = %v, want %v (matches %v)", tc.version, ok, tc.affected, ids(vs))
			continue
		}
		if !ok {
			continue
		}
		if v.Fixed != tc.fixed || v.Exact != tc.exact || (v.Caveat == "") != tc.exact {
			t.Errorf("%s: fixed %q exact %v caveat %q; want fixed %q exact %v", tc.version, v.Fixed, v.Exact, v.Caveat, tc.fixed, tc.exact)
		}
		if !slices.Equal(v.FixedIn, []string{"v1.28.12", "v1.29.7", "v1.30.3"}) {
			t.Errorf("%s: fixed in %v", tc.version, v.FixedIn)
		}
	}
}

func TestMatchComponentsAndOS(t *testing.T) {
	db := embeddedForTest(t)
	kubelet, err := ParseVersion("v1.27.4")
	if err != nil {
		t.Fatal(err)
	}
	linux := ids(db.MatchVersion("kubelet", "linux", kubelet))
	windows := ids(db.MatchVersion("kubelet", "windows", kubelet))
	unknown := ids(db.MatchVersion("kubelet", "", kubelet))
	for _, id := range []string{"CVE-2023-3676", "CVE-2023-3955", "CVE-2023-5528"} {
		if slices.Contains(linux, id) || !slices.Contains(windows, id) || !slices.Contains(unknown, id) {
			t.Errorf("%s (Windows only): linux %v windows %v unknown %v", id, linux, windows, unknown)
		}
	}
	if !slices.Contains(linux, "CVE-2024-10220") {
		t.Errorf("CVE-2024-10220 affects every kubelet: %v", linux)
	}
	if got := ids(db.Match("kube-proxy", "v1.27.4")); slices.Contains(got, "CVE-2024-10220") {
		t.Errorf("a kubelet CVE matched kube-proxy: %v", got)
	}
	if got := ids(db.Match("kube-proxy", "v1.18.3")); !slices.Contains(got, "CVE-2020-8558") {
		t.Errorf("CVE-2020-8558 names kube-proxy: %v", got)
	}
	if got := db.Match("kubelet", "not-a-version"); got != nil {
		t.Errorf("an unparseable version matched %v", ids(got))
	}
}

func TestMatchNoFixAndOrder(t *testing.T) {
	db := embeddedForTest(t)
	vs := db.Match("kube-apiserver", "v1.37.2")
	v, ok := find(vs, "CVE-2020-8554")
	if !ok || !v.NoFix || v.Fixed != "" || len(v.FixedIn) != 0 || v.Mitigation == "" {
		t.Fatalf("CVE-2020-8554 must match every API server as needing a mitigation: %+v (all: %v)", v, ids(vs))
	}
	old := db.Match("kube-apiserver", "v1.12.2")
	if len(old) < 3 || old[0].ID != "CVE-2018-1002105" {
		t.Fatalf("most severe first: %v", ids(old))
	}
	for i := 1; i < len(old); i++ {
		if old[i-1].CVSS < old[i].CVSS {
			t.Errorf("not ordered by CVSS: %v", ids(old))
		}
	}
	for _, v := range old {
		if !strings.HasPrefix(v.URL, "https://github.com/kubernetes/kubernetes/issues/") {
			t.Errorf("%s: url %s", v.ID, v.URL)
		}
	}
}
