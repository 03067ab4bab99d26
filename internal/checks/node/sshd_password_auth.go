package node

import (
	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/nodefacts"
)

// Why: a node reachable over SSH with password authentication is open to password spraying
// and credential stuffing from anywhere that reaches port 22; keys cannot be guessed. One
// node account is the first step to the kubelet's credentials and every pod on the node.
var sshdPasswordAuth = factsCheck(check.Meta{
	ID:       "ST-0319",
	Slug:     "ssh-password-authentication",
	Title:    "SSH accepts passwords",
	Layer:    check.LayerNode,
	Severity: check.SeverityMedium,
	Description: "sshd's PasswordAuthentication is yes, or not set, where the OpenSSH default is yes, so users " +
		"may log in to the node over SSH with a password.",
	Remediation: "Set PasswordAuthentication no in /etc/ssh/sshd_config after installing SSH keys for the administrators, then reload sshd.",
	References:  sshdReferences,
}, func(f *nodefacts.Facts) ([]check.Violation, error) {
	v, set, path, err := sshdSetting(f, "passwordAuthentication", f.SSHD.PasswordAuthentication, "yes")
	if err != nil || v != "yes" {
		return nil, err
	}
	if !set {
		return one(path, "PasswordAuthentication is not set in %s and defaults to yes: users may log in over SSH with a password", sshdFiles(f)), nil
	}
	return one(path, "PasswordAuthentication is yes in %s: users may log in over SSH with a password", sshdFiles(f)), nil
})
