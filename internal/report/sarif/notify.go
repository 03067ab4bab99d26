package sarif

import (
	"fmt"
	"strings"
	"time"

	"github.com/strata-sec/strata/internal/posture"
	"github.com/strata-sec/strata/internal/redact"
)

// invocation reports how the scan went. Execution is successful only when every input was read
// and no check failed internally: a report with holes must not read as complete.
func (b *builder) invocation() invocation {
	inv := invocation{ExecutionSuccessful: true, EndTimeUTC: b.r.GeneratedAt.UTC().Format(time.RFC3339)}
	for _, e := range b.r.Errors {
		n := notification{Level: "error", Message: message{Text: "input error: " + redact.String(e.Message)}}
		if e.File != "" {
			n.Locations = []location{{PhysicalLocation: physicalAt(e.File, e.Line)}}
		}
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, n)
		inv.ExecutionSuccessful = false
	}
	for _, c := range b.r.Coverage {
		n := notification{AssociatedRule: b.ruleRef(c.CheckID)}
		switch c.Status {
		case posture.StatusError:
			text := fmt.Sprintf("check %s failed: %s", c.CheckID, c.Reason)
			if len(c.Errors) > 0 {
				text += ": " + strings.Join(c.Errors, "; ")
			}
			n.Level, n.Message.Text = "error", redact.String(text)
			inv.ExecutionSuccessful = false
		case posture.StatusNotAssessed:
			n.Level, n.Message.Text = "note", redact.String(fmt.Sprintf("check %s not assessed: %s", c.CheckID, c.Reason))
		default:
			continue
		}
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, n)
	}
	for _, e := range b.r.Exemptions {
		if !e.Expired {
			continue
		}
		text := fmt.Sprintf("exemption for %s from %s expired", strings.Join(e.Checks, ", "), e.Source)
		if e.Expires != nil {
			text += " on " + e.Expires.UTC().Format(time.DateOnly)
		}
		n := notification{Level: "warning", Message: message{Text: redact.String(text + "; it no longer applies")}}
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, n)
	}
	return inv
}

func (b *builder) ruleRef(id string) *descriptorRef {
	i, ok := b.index[id]
	if !ok {
		return nil
	}
	return &descriptorRef{ID: id, Index: i}
}

// physicalAt points at a source file, relative paths as given, with the line when known.
func physicalAt(file string, line int) *physicalLocation {
	p := &physicalLocation{ArtifactLocation: artifactLocation{URI: fileURI(redact.String(file))}}
	if line > 0 {
		p.Region = &region{StartLine: line}
	}
	return p
}
