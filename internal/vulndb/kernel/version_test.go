package kernel

import "testing"

func TestParseRelease(t *testing.T) {
	for _, tc := range []struct {
		release, hint, proc string
		version, distro     string
		abi                 int
	}{
		{"5.15.0-91-generic", "", "", "5.15.x", DistroUbuntu, 91},
		{"5.15.0-1051-aws", "Ubuntu 22.04.3 LTS", "", "5.15.x", DistroUbuntu, 1051},
		{"6.1.0-18-amd64", "", "", "6.1.x", DistroDebian, 18},
		{"6.1.0-18-amd64", "debian", "Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org) #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)", "6.1.76", DistroDebian, 18},
		{"6.1.0-18-amd64", "", "Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)", "6.1.76", DistroDebian, 18},
		// A /proc/version of another series does not override the release.
		{"6.1.0-18-amd64", "", "Debian 5.10.209-2", "6.1.x", DistroDebian, 18},
		{"5.10.205-195.807.amzn2.x86_64", "", "", "5.10.205", DistroAmazon, 0},
		{"6.1.72-96.166.amzn2023.x86_64", "Amazon Linux 2023", "", "6.1.72", DistroAmazon, 0},
		{"4.18.0-513.el8.x86_64", "", "", "4.18.0", DistroRHEL, 0},
		{"5.14.0-362.8.1.el9_3.x86_64", "", "", "5.14.0", DistroRHEL, 0},
		{"5.15.0-200.131.27.el8uek.x86_64", "", "", "5.15.0", DistroRHEL, 0},
		{"4.18.0-372.9.1.rt7.166.el8.x86_64", "Red Hat Enterprise Linux CoreOS 410", "", "4.18.0", DistroRHEL, 0},
		{"5.15.133+", "Container-Optimized OS from Google", "", "5.15.133", "", 0},
		{"6.1.73-flatcar", "Flatcar Container Linux by Kinvolk 3760.2.0", "", "6.1.73", "", 0},
		{"5.15.148", "Bottlerocket OS 1.19.2 (aws-k8s-1.29)", "", "5.15.148", "", 0},
		{"6.6.21-talos", "Talos (v1.6.7)", "", "6.6.21", "", 0},
		{"6.8", "", "", "6.8.0", "", 0},
		// An -ABI-flavour suffix on a non-zero patch level is not the Ubuntu/Debian form.
		{"5.10.209-1-custom", "", "", "5.10.209", "", 0},
	} {
		r, err := ParseRelease(tc.release, tc.hint, tc.proc)
		if err != nil {
			t.Errorf("ParseRelease(%q): %v", tc.release, err)
			continue
		}
		if r.Version() != tc.version || r.Distro != tc.distro || r.ABI != tc.abi {
			t.Errorf("ParseRelease(%q, %q) = %s %q ABI %d, want %s %q ABI %d", tc.release, tc.hint,
				r.Version(), r.Distro, r.ABI, tc.version, tc.distro, tc.abi)
		}
	}
	for _, bad := range []string{"", "generic", "v5.15", "linux-5.15"} {
		if _, err := ParseRelease(bad, "", ""); err == nil {
			t.Errorf("ParseRelease(%q) accepted", bad)
		}
	}
}

func TestVersionCompare(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"5.10.102", "5.10.102", 0},
		{"5.10.101", "5.10.102", -1},
		{"5.16", "5.15.25", 1},
		{"2.6.22", "4.4.26", -1},
		{"10.0.0", "9.99.99", 1},
	} {
		a, _ := parseVersion(tc.a)
		b, _ := parseVersion(tc.b)
		if got := a.compare(b); got != tc.want {
			t.Errorf("compare(%s, %s) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
	for _, bad := range []string{"5", "5.x", "5.15.25-rc1", ""} {
		if _, err := parseVersion(bad); err == nil {
			t.Errorf("parseVersion(%q) accepted", bad)
		}
	}
}
