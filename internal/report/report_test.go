package report_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/strata-sec/strata/internal/report"
	"github.com/strata-sec/strata/internal/report/json"
	"github.com/strata-sec/strata/internal/report/junit"
	"github.com/strata-sec/strata/internal/report/reporttest"
	"github.com/strata-sec/strata/internal/report/sarif"
	"github.com/strata-sec/strata/internal/report/table"
)

// formats is the map the command line assembles.
var formats = report.Formats{
	"table": table.Render,
	"json":  json.Render,
	"sarif": sarif.Render,
	"junit": junit.Render,
}

func TestFormatsLookup(t *testing.T) {
	for _, name := range []string{"table", "json", "sarif", "junit", " JSON "} {
		if _, err := formats.Lookup(name); err != nil {
			t.Errorf("Lookup(%q): %v", name, err)
		}
	}
	_, err := formats.Lookup("xml")
	if err == nil || !strings.Contains(err.Error(), `"xml"`) || !strings.Contains(err.Error(), "json, junit, sarif, table") {
		t.Errorf("Lookup(xml) error %v does not name the valid formats", err)
	}
}

// TestCanary plants secret-looking values in every free-text field of a report and checks that
// no format, coloured or not, lets one through.
func TestCanary(t *testing.T) {
	renderers := map[string]report.Renderer{"table-color": table.Options{Color: true}.Render}
	for name, r := range formats {
		renderers[name] = r
	}
	for name, render := range renderers {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := render(&buf, reporttest.Canary()); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			for _, secret := range reporttest.CanarySecrets() {
				if strings.Contains(out, secret) {
					t.Errorf("output contains the planted secret %q", secret)
				}
			}
			if !strings.Contains(out, "[REDACTED]") {
				t.Error("output has no redaction mark: the canary did not reach the output")
			}
		})
	}
}
