// Package redact masks secret-looking tokens in free text before any sink prints it: cloud and
// SaaS API keys, JWTs, PEM private keys, password and token key/value pairs, and credentials in
// URLs. It is defence in depth: checks never put secret values in messages, and every renderer
// runs what it prints through String anyway.
package redact
