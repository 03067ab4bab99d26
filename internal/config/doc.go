// Package config reads strata's configuration file: default scan settings and exemptions
// (accepted risks with a reason, an owner and an expiry).
package config
