// Package cvss scores CVSS v3.0 and v3.1 base vectors and names the qualitative rating of a
// score. Both vulnerability datasets (Kubernetes CVEs and OSV records) rate severity with it.
package cvss

import (
	"fmt"
	"math"
	"strings"
)

// cvss3Weights are the base metric weights of the CVSS v3.0 and v3.1 specifications (§7.4 of
// v3.1). Privileges Required is weighted by scope and handled apart.
var cvss3Weights = map[string]map[string]float64{
	"AV": {"N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2},
	"AC": {"L": 0.77, "H": 0.44},
	"UI": {"N": 0.85, "R": 0.62},
	"C":  {"H": 0.56, "L": 0.22, "N": 0},
	"I":  {"H": 0.56, "L": 0.22, "N": 0},
	"A":  {"H": 0.56, "L": 0.22, "N": 0},
}

// cvss3Other are the temporal and environmental metrics a vector may carry after the base
// metrics; they do not change the base score but must be well formed.
var cvss3Other = map[string]string{
	"E": "XUPFH", "RL": "XOTWU", "RC": "XURC", "CR": "XLMH", "IR": "XLMH", "AR": "XLMH",
	"MAV": "XNALP", "MAC": "XLH", "MPR": "XNLH", "MUI": "XNR", "MS": "XUC",
	"MC": "XNLH", "MI": "XNLH", "MA": "XNLH",
}

// BaseScore computes the base score of a CVSS v3.0 or v3.1 vector
// ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" is 9.8) with the specification's formulas
// and its Roundup function: v3.1's, which works on integers to avoid floating-point error, and
// v3.0's plain round-up to one decimal.
func BaseScore(vector string) (float64, error) {
	prefix, rest, ok := strings.Cut(vector, "/")
	if !ok || prefix != "CVSS:3.0" && prefix != "CVSS:3.1" {
		return 0, fmt.Errorf("not a CVSS v3 vector: %q", vector)
	}
	m := map[string]string{}
	for _, part := range strings.Split(rest, "/") {
		k, v, ok := strings.Cut(part, ":")
		if !ok {
			return 0, fmt.Errorf("CVSS vector %q: metric %q is not NAME:VALUE", vector, part)
		}
		if _, dup := m[k]; dup {
			return 0, fmt.Errorf("CVSS vector %q: metric %s given twice", vector, k)
		}
		if !cvss3ValueOK(k, v) {
			return 0, fmt.Errorf("CVSS vector %q: %s:%s is not a CVSS v3 metric value", vector, k, v)
		}
		m[k] = v
	}
	for _, k := range []string{"AV", "AC", "PR", "UI", "S", "C", "I", "A"} {
		if m[k] == "" {
			return 0, fmt.Errorf("CVSS vector %q: base metric %s missing", vector, k)
		}
	}
	changed := m["S"] == "C"
	pr := map[string]float64{"N": 0.85, "L": 0.62, "H": 0.27}[m["PR"]]
	if changed {
		pr = map[string]float64{"N": 0.85, "L": 0.68, "H": 0.5}[m["PR"]]
	}
	w := func(k string) float64 { return cvss3Weights[k][m[k]] }
	iss := 1 - (1-w("C"))*(1-w("I"))*(1-w("A"))
	impact := 6.42 * iss
	if changed {
		impact = 7.52*(iss-0.029) - 3.25*math.Pow(iss-0.02, 15)
	}
	exploitability := 8.22 * w("AV") * w("AC") * pr * w("UI")
	roundUp := roundUp31
	if prefix == "CVSS:3.0" {
		roundUp = roundUp30
	}
	switch {
	case impact <= 0:
		return 0, nil
	case changed:
		return roundUp(math.Min(1.08*(impact+exploitability), 10)), nil
	default:
		return roundUp(math.Min(impact+exploitability, 10)), nil
	}
}

func cvss3ValueOK(k, v string) bool {
	if len(v) != 1 {
		return false
	}
	switch k {
	case "PR":
		return strings.Contains("NLH", v)
	case "S":
		return strings.Contains("UC", v)
	}
	if ws, ok := cvss3Weights[k]; ok {
		_, ok := ws[v]
		return ok
	}
	allowed, ok := cvss3Other[k]
	return ok && strings.Contains(allowed, v)
}

// roundUp31 is CVSS v3.1's Roundup (Appendix A): the smallest number with one decimal place
// that is not less than x, computed on integers so that 4.000000000000001 gives 4.0.
func roundUp31(x float64) float64 {
	i := int64(math.Round(x * 100000))
	if i%10000 == 0 {
		return float64(i) / 100000
	}
	return float64(i/10000+1) / 10
}

// roundUp30 is CVSS v3.0's Roundup: the smallest number with one decimal place not less than x.
func roundUp30(x float64) float64 { return math.Ceil(x*10) / 10 }

// Rating maps a CVSS base score to strata's severity words as CVSS v3 names its
// qualitative ratings: critical 9.0-10.0, high 7.0-8.9, medium 4.0-6.9, low 0.1-3.9, and ""
// for 0 (none).
func Rating(score float64) string {
	switch {
	case score >= 9:
		return "critical"
	case score >= 7:
		return "high"
	case score >= 4:
		return "medium"
	case score > 0:
		return "low"
	}
	return ""
}
