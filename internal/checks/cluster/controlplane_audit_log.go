package cluster

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/strata-sec/strata/internal/check"
)

// Why: the audit log is the only record of who read which Secret, who created the privileged
// pod, who changed the RoleBinding. Without it, or with a retention measured in hours, an
// intrusion cannot be scoped, and the attacker's steps are gone before anyone looks.
var cpAuditLog = &check.ClusterCheck{
	Meta: check.Meta{
		ID:       "ST-0113",
		Slug:     "api-server-audit-logging",
		Title:    "API server audit logging is off or keeps too little",
		Layer:    check.LayerCluster,
		Severity: check.SeverityMedium,
		Description: "kube-apiserver writes no audit log (--audit-log-path unset and no audit webhook; CIS Kubernetes " +
			"Benchmark 1.2.16), has no --audit-policy-file so no event is recorded at all, or keeps its log files " +
			"for less than 30 days (--audit-log-maxage, 1.2.17), in fewer than 10 backups (--audit-log-maxbackup, " +
			"1.2.18) or rotates them below 100 MB (--audit-log-maxsize, 1.2.19). Unset or 0 keeps files without " +
			"a limit and rotates at 100 MB, which meets the items' intent.",
		Remediation: "Give kube-apiserver an audit policy (--audit-policy-file) and a log path on a persistent volume (--audit-log-path) or an audit webhook, with --audit-log-maxage=30, --audit-log-maxbackup=10 and --audit-log-maxsize=100 or more, and ship the log off the node.",
		References: []string{
			"https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/",
			"https://www.cisecurity.org/benchmark/kubernetes",
		},
	},
	Reads: controlPlaneReads,
	Run: func(_ *check.Env, inv check.Inventory) ([]check.ObjectViolation, error) {
		return assess(inv, auditLog, apiServer)
	},
}

// auditRetention are the log rotation flags and the least value CIS asks of each.
var auditRetention = []struct {
	flag, cis, unit string
	min             int
}{
	{"audit-log-maxage", "1.2.17", "days", 30},
	{"audit-log-maxbackup", "1.2.18", "files", 10},
	{"audit-log-maxsize", "1.2.19", "MB", 100},
}

func auditLog(c *cpContainer) ([]check.Violation, string) {
	logPath, hasLog := c.flags.value("audit-log-path")
	hasLog = hasLog && strings.TrimSpace(logPath) != ""
	if !hasLog && !c.flags.has("audit-webhook-config-file") {
		return []check.Violation{c.missing("audit-log-path",
			"--audit-log-path is not set and no audit webhook is configured: API requests are not audited (CIS 1.2.16)", nil)}, ""
	}
	var out []check.Violation
	if !c.flags.has("audit-policy-file") {
		out = append(out, c.missing("audit-policy-file",
			"--audit-policy-file is not set: without a policy the API server records no audit events (CIS 1.2.16, 3.2.1)", nil))
	}
	if !hasLog || logPath == "-" {
		return out, "" // no log file (webhook only, or standard output): nothing rotates
	}
	for _, r := range auditRetention {
		// Unset or 0 keeps files without a limit of age or count, and rotates at the 100 MB
		// default size: that meets the items' intent, so only explicit small values fail.
		o, ok := c.flags.last(r.flag)
		if !ok {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(o.value))
		switch {
		case err != nil:
			out = append(out, c.at(o, fmt.Sprintf("--%s is not a number (CIS %s)", r.flag, r.cis), nil))
		case n != 0 && n < r.min:
			out = append(out, c.at(o,
				fmt.Sprintf("--%s is %d %s; CIS %s asks for %d or more", r.flag, n, r.unit, r.cis, r.min),
				setFlag(o, strconv.Itoa(r.min))))
		}
	}
	return out, ""
}
