package reporttest

import (
	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/posture"
	"github.com/strata-sec/strata/internal/report"
)

// Canary secrets are assembled from pieces so that secret scanners reading this repository do
// not flag them; none is a real credential.
var (
	CanaryAWSKey   = "AKIA" + "ZQ3DOSANYCANARY7"
	CanaryJWT      = "eyJhbGciOiJIUzI1NiJ9" + ".eyJzdWIiOiJjYW5hcnkifQ" + ".c2lnbmF0dXJlLWNhbmFyeQ"
	CanaryPassword = "Tr0ub4dor-canary-3"
	CanaryGitHub   = "ghp_" + "CanaryCanaryCanaryCanaryCanaryCanary"
	CanaryURLPass  = "urlpass-canary-9"
)

// CanarySecrets are the values no output may contain.
func CanarySecrets() []string {
	return []string{CanaryAWSKey, CanaryJWT, CanaryPassword, CanaryGitHub, CanaryURLPass}
}

// Canary is the example report with secret-looking values planted in every free-text field a
// format prints: finding messages, paths and fix values, coverage reasons and errors, input
// errors, exemption reasons and sources. A correct format prints none of them.
func Canary() *report.Report {
	p := Posture()
	f := p.Findings[0]
	f.Message = "env AWS_ACCESS_KEY_ID holds " + CanaryAWSKey + " and a token " + CanaryJWT
	f.Fix = []check.PatchOp{{Op: "add", Path: "/metadata/annotations/note",
		Value: map[string]any{"leaked": "password=" + CanaryPassword, "list": []string{CanaryGitHub}}}}
	p.Findings[1].Path = "metadata.annotations[token=" + CanaryJWT + "]"
	p.Suppressed[0].Message = "sidecar reads " + CanaryGitHub
	p.Suppressed[0].Exemption.Reason = "approved; db password: " + CanaryPassword
	p.Errors = append(p.Errors, posture.InputError{File: "secrets.yaml", Line: 9,
		Message: "cannot decode value of password=" + CanaryPassword + " near " + CanaryAWSKey})
	for i := range p.Coverage {
		if p.Coverage[i].Status == posture.StatusError {
			p.Coverage[i].Errors = append(p.Coverage[i].Errors, "bad token "+CanaryJWT)
		}
		if p.Coverage[i].Status == posture.StatusNotAssessed {
			p.Coverage[i].Reason = "cannot read with Authorization: Bearer " + CanaryGitHub
		}
	}
	meta := Meta()
	meta.Sources = append(meta.Sources, "https://admin:"+CanaryURLPass+"@cluster.example.com:6443")
	return report.New(p, meta)
}
