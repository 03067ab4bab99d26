package cluster

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
)

// tokenSecretGK is the kind the token check reads, as metadata only.
var tokenSecretGK = corev1.SchemeGroupVersion.WithKind("Secret").GroupKind()

// legacyTokenInvalidSince is set by the legacy token cleaner (Kubernetes 1.29+) on tokens unused
// for a year; they stop authenticating then and are deleted a year later.
const legacyTokenInvalidSince = "kubernetes.io/legacy-token-invalid-since"

// Why: a Secret of type kubernetes.io/service-account-token holds a token that never expires
// and is not bound to a pod: it stays valid until the Secret (or its service account) is
// deleted. Anyone who can read Secrets in the namespace, or finds the token in a backup, a CI
// log or a copied kubeconfig, has the service account's permissions indefinitely, from
// anywhere, and rotating the pod does not help. TokenRequest and projected volumes issue tokens
// that expire within hours and die with their pod. The check never reads the token: it needs
// only the type, or, in a live scan where strata lists Secrets as metadata and the type is not
// returned, the kubernetes.io/service-account.name annotation the token controller requires.
// An invalidated token is still reported: removing the label makes it valid again.
var legacyServiceAccountToken = &check.ObjectCheck[*corev1.Secret]{
	Meta: check.Meta{
		ID:       "ST-0155",
		Slug:     "legacy-service-account-token",
		Title:    "Long-lived service account token Secret",
		Layer:    check.LayerCluster,
		Severity: check.SeverityMedium,
		Description: "A Secret of type kubernetes.io/service-account-token holds a service account token that never " +
			"expires and is not bound to any pod. Whoever reads it once keeps the service account's permissions " +
			"until the Secret is deleted.",
		Remediation: "Delete the Secret and have clients obtain short-lived tokens through the TokenRequest API (kubectl create token) or a projected service account token volume.",
		References: []string{
			"https://kubernetes.io/docs/concepts/security/service-accounts/#get-a-token",
			"https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/#legacy-serviceaccount-token-cleaner",
		},
	},
	Kind: tokenSecretGK,
	Run: func(_ *check.Env, _ *check.Object, s *corev1.Secret) ([]check.Violation, error) {
		sa, annotated := s.Annotations[corev1.ServiceAccountNameKey]
		if s.Type != corev1.SecretTypeServiceAccountToken && (s.Type != "" || !annotated) {
			return nil, nil
		}
		p := field.NewPath("type")
		if s.Type == "" {
			p = field.NewPath("metadata", "annotations").Key(corev1.ServiceAccountNameKey)
		}
		who := "a service account"
		if sa != "" {
			who = fmt.Sprintf("service account %s/%s", s.Namespace, sa)
		}
		msg := fmt.Sprintf("holds a non-expiring token for %s; use short-lived tokens from the TokenRequest API and delete this Secret", who)
		if since, ok := s.Labels[legacyTokenInvalidSince]; ok {
			msg = fmt.Sprintf("holds a token for %s that the API server has invalidated since %s; delete this Secret", who, since)
		}
		return []check.Violation{{Path: p, Message: msg}}, nil
	},
}
