package node

import (
	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/nodefacts"
)

// Why: root on a node is root over every pod on it, their secrets and the kubelet's
// credentials. Letting root log in over SSH with a password makes that one guessed or reused
// password away, and leaves no trace of which administrator logged in.
var sshdRootLogin = factsCheck(check.Meta{
	ID:       "ST-0318",
	Slug:     "ssh-root-login",
	Title:    "SSH allows root to log in with a password",
	Layer:    check.LayerNode,
	Severity: check.SeverityHigh,
	Description: "sshd's PermitRootLogin is yes, so root may log in to the node over SSH with any " +
		"authentication method, passwords included. The OpenSSH default, prohibit-password, allows root only " +
		"with keys and is not reported.",
	Remediation: "Set PermitRootLogin no (or prohibit-password) in /etc/ssh/sshd_config, log in as a named user and use sudo, then reload sshd.",
	References:  sshdReferences,
}, func(f *nodefacts.Facts) ([]check.Violation, error) {
	v, set, path, err := sshdSetting(f, "permitRootLogin", f.SSHD.PermitRootLogin, "prohibit-password")
	if err != nil || !set || v != "yes" {
		return nil, err
	}
	return one(path, "PermitRootLogin is yes in %s: root may log in over SSH with a password", sshdFiles(f)), nil
})
