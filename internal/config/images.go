package config

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/strata-sec/strata/internal/check"
)

// Limits on the images section: a config file is trusted more than a manifest, but a typo
// that pastes a whole registry catalogue should still be an error, not a slow scan.
const (
	maxAllowedRegistries = 1000
	maxKeys              = 100
)

// Images is the images section of the config file:
//
//	images:
//	  allowedRegistries: [registry.example.com, ghcr.io/acme]
//	  requireSigned: true
//	  keys: [keys/cosign.pub]
//	  layout: images/oci
type Images struct {
	// AllowedRegistries are registry hosts, with an optional repository path prefix, that
	// workload images may come from ("registry.example.com", "ghcr.io/acme",
	// "docker.io/library"). Prefixes match whole path segments.
	AllowedRegistries []string `yaml:"allowedRegistries"`
	// RequireSigned makes unsigned or badly signed images findings.
	RequireSigned bool `yaml:"requireSigned"`
	// Keys are PEM public keys that signatures are verified against. Relative paths are
	// resolved against the config file's directory when the file is parsed.
	Keys []string `yaml:"keys"`
	// Layout is an OCI image layout directory to read images from instead of registries,
	// resolved like Keys.
	Layout string `yaml:"layout"`
}

// Policy returns what the checks need to know of the section.
func (i Images) Policy() check.ImagePolicy {
	return check.ImagePolicy{
		AllowedRegistries: append([]string(nil), i.AllowedRegistries...),
		RequireSigned:     i.RequireSigned,
	}
}

var (
	// hostPattern is a registry host as image references write it: DNS labels, an IPv4
	// address or localhost, with an optional port.
	hostPattern = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:[0-9]{1,5})?$`)
	// pathComponent is one repository path component of the distribution reference grammar.
	pathComponent = regexp.MustCompile(`^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*$`)
)

// validate checks the section and resolves its paths; problems carry the line of the entry.
func (i *Images) validate(file string, doc *yaml.Node) []error {
	sec := mappingValue(doc, "images")
	var errs []error
	at := func(n *yaml.Node, format string, args ...any) {
		line := 0
		if n != nil {
			line = n.Line
		} else if sec != nil {
			line = sec.Line
		}
		errs = append(errs, &Error{File: file, Line: line, Msg: "images: " + fmt.Sprintf(format, args...)})
	}
	regNodes := seqItems(mappingValue(sec, "allowedRegistries"))
	if len(i.AllowedRegistries) > maxAllowedRegistries {
		at(mappingValue(sec, "allowedRegistries"), "allowedRegistries has %d entries, more than %d", len(i.AllowedRegistries), maxAllowedRegistries)
		return errs
	}
	for k, r := range i.AllowedRegistries {
		if err := ValidRegistry(r); err != nil {
			at(item(regNodes, k), "allowedRegistries entry %q: %v", r, err)
		}
	}
	keyNodes := seqItems(mappingValue(sec, "keys"))
	if len(i.Keys) > maxKeys {
		at(mappingValue(sec, "keys"), "keys has %d entries, more than %d", len(i.Keys), maxKeys)
		return errs
	}
	base := filepath.Dir(file)
	for k, p := range i.Keys {
		if strings.TrimSpace(p) == "" {
			at(item(keyNodes, k), "keys entry %d is empty", k+1)
			continue
		}
		i.Keys[k] = resolve(base, p)
	}
	if i.Layout != "" {
		i.Layout = resolve(base, i.Layout)
	}
	return errs
}

// ValidRegistry accepts an allowed-registry entry: a registry host (with an optional port) and
// an optional repository path prefix, without scheme, tag or digest. The config file and the
// --allowed-registry flag are both checked with it.
func ValidRegistry(r string) error {
	if strings.Contains(r, "://") {
		return fmt.Errorf("write the host without a scheme (%s)", r[strings.Index(r, "://")+3:])
	}
	if strings.ContainsAny(r, "@") {
		return fmt.Errorf("a registry entry names no digest")
	}
	host, path, _ := strings.Cut(r, "/")
	if !hostPattern.MatchString(host) {
		return fmt.Errorf("%q is not a registry host", host)
	}
	if _, port, ok := strings.Cut(host, ":"); ok {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("port %q is out of range", port)
		}
	}
	if !strings.Contains(r, "/") {
		return nil
	}
	for _, seg := range strings.Split(path, "/") {
		if seg == "" {
			return fmt.Errorf("empty path segment (a trailing or doubled /)")
		}
		if !pathComponent.MatchString(seg) {
			return fmt.Errorf("path segment %q is not a repository path component (lower-case letters, digits and . _ -; no tag)", seg)
		}
	}
	return nil
}

func resolve(base, p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(base, p)
}

// mappingValue returns the value node of key in mapping n, or nil.
func mappingValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for k := 0; k+1 < len(n.Content); k += 2 {
		if n.Content[k].Value == key {
			return n.Content[k+1]
		}
	}
	return nil
}

func seqItems(n *yaml.Node) []*yaml.Node {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	return n.Content
}

func item(ns []*yaml.Node, k int) *yaml.Node {
	if k < len(ns) {
		return ns[k]
	}
	return nil
}
