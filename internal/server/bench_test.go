package server

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/strata-sec/strata/internal/posture"
)

// BenchmarkFindings50k measures one page of /api/v1/findings over a posture of 50,000
// findings: every request filters and sorts the whole posture.
func BenchmarkFindings50k(b *testing.B) {
	p := examplePosture()
	p.Findings = nil
	for i := range 50000 {
		m := []*posture.Finding{finding(mPriv, "ns", "", ""), finding(mRoot, "ns", "", ""), finding(mNet, "ns", "", "")}[i%3].Check
		p.Findings = append(p.Findings, finding(m, fmt.Sprint("ns", i%50), fmt.Sprint("app", i), "message"))
	}
	toks, _ := ParseTokens("tokens", []byte(testToken))
	// Like the watcher, the source hands out one snapshot until the next evaluation.
	s, err := New(Options{Source: stableSource{newFakeSource(p, true), &p}, Tokens: toks})
	if err != nil {
		b.Fatal(err)
	}
	h := s.Handler()
	for _, q := range []string{"limit=100", "severity=critical&namespace=ns7&limit=1000"} {
		b.Run(q, func(b *testing.B) {
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, "/api/v1/findings?"+q, nil)
				req.Header.Set("Authorization", "Bearer "+testToken)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatal(rec.Code)
				}
			}
		})
	}
}

type stableSource struct {
	*fakeSource
	p *posture.Posture
}

func (s stableSource) Posture() *posture.Posture { return s.p }
