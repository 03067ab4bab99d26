package cvss

import "testing"

// Scores below were computed by hand from the specification's formulas (weights in §7.4 of
// CVSS v3.1), e.g. AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H: ISS = 1-0.44³ = 0.914816, impact =
// 6.42×ISS = 5.873, exploitability = 8.22×0.85×0.77×0.85×0.85 = 3.887, Roundup(9.760) = 9.8.
func TestBaseScore(t *testing.T) {
	for _, c := range []struct {
		vector string
		score  float64
	}{
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8},
		{"CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8},
		// Scope changed: impact 6.048, 1.08×(6.048+3.887) = 10.73, capped at 10.
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0},
		// Scope changed, PR:L weighs 0.68: 1.08×(6.048+3.110) = 9.890.
		{"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 9.9},
		// Reflected XSS shape: ISS 0.3916, impact 2.727, exploitability 2.835, ×1.08 = 6.007.
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1},
		// Local privilege escalation: 5.873 + 1.835 = 7.708.
		{"CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8},
		// Denial of service: 6.42×0.56 = 3.595, + 3.887 = 7.482.
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5},
		// 1.412 + 2.221 = 3.634.
		{"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:N/A:N", 3.7},
		// 1.412 + 0.121 = 1.534.
		{"CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 1.6},
		// No impact scores 0 whatever the exploitability.
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0},
		// Temporal and environmental metrics do not change the base score; order is free.
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O/RC:C/MAV:L", 9.8},
		{"CVSS:3.1/S:U/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H", 9.8},
	} {
		got, err := BaseScore(c.vector)
		if err != nil || got != c.score {
			t.Errorf("BaseScore(%q) = %v, %v; want %v", c.vector, got, err, c.score)
		}
	}
}

func TestCVSS3Rejects(t *testing.T) {
	for _, v := range []string{
		"",
		"AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
		"CVSS:2.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
		"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H",
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:X",
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/A:H",
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/ZZ:1",
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/",
		"CVSS:3.1/AV:NN/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
	} {
		if s, err := BaseScore(v); err == nil {
			t.Errorf("BaseScore(%q) = %v, want an error", v, s)
		}
	}
}

func TestRoundUp(t *testing.T) {
	// The v3.1 specification's example: floating-point 4.000000000000001 must round to 4.0;
	// v3.0's naive ceiling gives 4.1.
	if got := roundUp31(4.000000000000001); got != 4.0 {
		t.Errorf("roundUp31(4.000000000000001) = %v, want 4.0", got)
	}
	if got := roundUp30(4.000000000000001); got != 4.1 {
		t.Errorf("roundUp30(4.000000000000001) = %v, want 4.1", got)
	}
	for in, want := range map[float64]float64{4.02: 4.1, 4.0: 4.0, 4.1: 4.1, 0.01: 0.1, 9.999: 10} {
		if got := roundUp31(in); got != want {
			t.Errorf("roundUp31(%v) = %v, want %v", in, got, want)
		}
	}
}

func TestSeverityOfScore(t *testing.T) {
	for score, want := range map[float64]string{10: "critical", 9.0: "critical", 8.9: "high", 7.0: "high",
		6.9: "medium", 4.0: "medium", 3.9: "low", 0.1: "low", 0: ""} {
		if got := Rating(score); got != want {
			t.Errorf("Rating(%v) = %q, want %q", score, got, want)
		}
	}
}
