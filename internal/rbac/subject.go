package rbac

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
)

// String renders the subject the way ParseSubject reads it: user:NAME, group:NAME or
// sa:NAMESPACE/NAME.
func (s Subject) String() string {
	switch s.Kind {
	case KindUser:
		return "user:" + s.Name
	case KindGroup:
		return "group:" + s.Name
	case KindServiceAccount:
		return "sa:" + s.Namespace + "/" + s.Name
	}
	return s.Kind + ":" + s.Name
}

// ParseSubject reads user:NAME, group:NAME or sa:NAMESPACE/NAME (serviceaccount: is accepted
// for sa:). Anything else is an error.
func ParseSubject(s string) (Subject, error) {
	kind, name, ok := strings.Cut(s, ":")
	if !ok || name == "" {
		return Subject{}, fmt.Errorf("subject %q is not user:NAME, group:NAME or sa:NAMESPACE/NAME", s)
	}
	switch strings.ToLower(kind) {
	case "user", "u":
		return Subject{Kind: KindUser, Name: name}, nil
	case "group", "g":
		return Subject{Kind: KindGroup, Name: name}, nil
	case "sa", "serviceaccount":
		ns, n, ok := strings.Cut(name, "/")
		if !ok || n == "" || strings.Contains(n, "/") {
			return Subject{}, fmt.Errorf("service account %q is not sa:NAMESPACE/NAME", s)
		}
		if errs := validation.IsDNS1123Label(ns); len(errs) > 0 {
			return Subject{}, fmt.Errorf("service account %q: namespace %q: %s", s, ns, strings.Join(errs, "; "))
		}
		return Subject{Kind: KindServiceAccount, Namespace: ns, Name: n}, nil
	}
	return Subject{}, fmt.Errorf("subject %q: unknown kind %q (valid: user, group, sa)", s, kind)
}

// UserInfo returns the identity the API server would see for s: a service account's user name
// system:serviceaccount:NS:NAME with its groups, a user with system:authenticated (or
// system:unauthenticated for system:anonymous). A group stands for a member of it, who is also
// authenticated unless the group is system:unauthenticated; its user name is empty.
func UserInfo(s Subject) (user string, groups []string) {
	switch s.Kind {
	case KindServiceAccount:
		return ServiceAccountUser(s.Namespace, s.Name),
			[]string{GroupServiceAccounts, GroupServiceAccounts + ":" + s.Namespace, GroupAuthenticated}
	case KindUser:
		if s.Name == AnonymousUser {
			return s.Name, []string{GroupUnauthenticated}
		}
		return s.Name, []string{GroupAuthenticated}
	case KindGroup:
		if s.Name == GroupUnauthenticated || s.Name == GroupAuthenticated {
			return "", []string{s.Name}
		}
		return "", []string{s.Name, GroupAuthenticated}
	}
	return "", nil
}

// ServiceAccountUser is the user name of a service account's tokens.
func ServiceAccountUser(namespace, name string) string {
	return serviceAccountUserPrefix + namespace + ":" + name
}
