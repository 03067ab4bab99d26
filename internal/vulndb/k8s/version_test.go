package k8s

import "testing"

func TestParseVersion(t *testing.T) {
	for _, tc := range []struct {
		in, matched, minor, vendor, pre string
		exact                           bool
	}{
		{"v1.30.2", "v1.30.2", "1.30", "", "", true},
		{" 1.30.2 ", "v1.30.2", "1.30", "", "", true},
		{"v1.30.0-rc.1", "v1.30.0-rc.1", "1.30", "", "rc.1", false},
		{"v1.31.0-alpha.0", "v1.31.0-alpha.0", "1.31", "", "alpha.0", false},
		{"v1.31.0-alpha.0.123+0123abcd", "v1.31.0-alpha.0.123", "1.31", "+0123abcd", "alpha.0.123", false},
		{"v1.29.3-eks-1a2b", "v1.29.3", "1.29", "-eks-1a2b", "", false},
		{"v1.28.5+k3s1", "v1.28.5", "1.28", "+k3s1", "", false},
		{"v1.27.3-gke.100", "v1.27.3", "1.27", "-gke.100", "", false},
		{"v1.27.6+f67aeb3", "v1.27.6", "1.27", "+f67aeb3", "", false},
	} {
		v, err := ParseVersion(tc.in)
		if err != nil {
			t.Errorf("ParseVersion(%q): %v", tc.in, err)
			continue
		}
		if v.String() != tc.matched || v.Minor() != tc.minor || v.Vendor != tc.vendor || v.PreRelease() != tc.pre || v.Exact() != tc.exact {
			t.Errorf("ParseVersion(%q) = %s minor %s vendor %q pre %q exact %v; want %s %s %q %q %v", tc.in,
				v, v.Minor(), v.Vendor, v.PreRelease(), v.Exact(), tc.matched, tc.minor, tc.vendor, tc.pre, tc.exact)
		}
		if (v.Caveat() == "") != tc.exact {
			t.Errorf("ParseVersion(%q): caveat %q for exact=%v", tc.in, v.Caveat(), tc.exact)
		}
	}
	for _, bad := range []string{"", "1.30", "v1", "latest", "v1.30.x", "v01.30.2", "unknown"} {
		if _, err := ParseVersion(bad); err == nil {
			t.Errorf("ParseVersion(%q) accepted", bad)
		}
	}
}
