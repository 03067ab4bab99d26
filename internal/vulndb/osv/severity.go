package osv

import (
	"encoding/json"
	"strings"

	"github.com/strata-sec/strata/internal/cvss"
)

// severityOf rates a record (or one affected element) from its severity[] entries and the
// database- or ecosystem-specific objects that may state a severity word:
//
//   - a CVSS_V3 vector is scored with cvss.BaseScore, and the score decides;
//   - otherwise a stated word decides: an "Ubuntu" severity entry's score, or a "severity"
//     string in database_specific / ecosystem_specific (GHSA's "HIGH", "MODERATE");
//   - a CVSS_V4 vector alone is not scored (strata has no v4 calculator), so the record stays
//     unrated, as does one with nothing usable: severity "".
func severityOf(sevs []osvSeverity, specifics ...json.RawMessage) (severity string, score float64, vector string) {
	for _, s := range sevs {
		if s.Type != "CVSS_V3" {
			continue
		}
		if v, err := cvss.BaseScore(s.Score); err == nil {
			return cvss.Rating(v), v, s.Score
		}
	}
	for _, s := range sevs {
		if s.Type == "Ubuntu" {
			if w := severityWord(s.Score); w != "" {
				return w, 0, ""
			}
		}
	}
	for _, raw := range specifics {
		if len(raw) == 0 {
			continue
		}
		var obj struct {
			Severity json.RawMessage `json:"severity"`
		}
		if json.Unmarshal(raw, &obj) != nil || len(obj.Severity) == 0 {
			continue
		}
		var word string
		if json.Unmarshal(obj.Severity, &word) == nil {
			if w := severityWord(word); w != "" {
				return w, 0, ""
			}
		}
	}
	return "", 0, ""
}

// severityWord maps the severity words advisories use to strata's; "" for words that rate
// nothing.
func severityWord(w string) string {
	switch strings.ToLower(strings.TrimSpace(w)) {
	case "critical":
		return "critical"
	case "high", "important":
		return "high"
	case "medium", "moderate":
		return "medium"
	case "low", "negligible", "unimportant", "minor":
		return "low"
	}
	return ""
}
