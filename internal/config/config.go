package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// APIVersion and Kind identify a strata config document.
const (
	APIVersion = "strata.dev/v1alpha1"
	Kind       = "Config"
	maxBytes   = 1 << 20
)

// Config is the file's content. Settings left empty keep the command-line defaults; flags given
// on the command line win over the file.
type Config struct {
	APIVersion  string      `yaml:"apiVersion"`
	Kind        string      `yaml:"kind"`
	FailOn      string      `yaml:"failOn"`
	MinSeverity string      `yaml:"minSeverity"`
	PSSVersion  string      `yaml:"pssVersion"`
	Exemptions  []Exemption `yaml:"exemptions"`
	// Images is what the user trusts about container images; see images.go.
	Images Images `yaml:"images"`
}

// Exemption is an accepted risk for some checks on the objects its patterns match.
type Exemption struct {
	Checks     []string `yaml:"checks"`
	Namespaces []string `yaml:"namespaces"`
	Names      []string `yaml:"names"`
	Kinds      []string `yaml:"kinds"`
	Reason     string   `yaml:"reason"`
	Owner      string   `yaml:"owner"`
	Expires    string   `yaml:"expires"`
	// Expiry is Expires parsed; nil when the exemption does not expire.
	Expiry *time.Time `yaml:"-"`
	// Source is file:line of the exemption, for reports.
	Source string `yaml:"-"`
}

// Error is a problem in the config file, with where it is.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// Load reads and validates the config file at path.
func Load(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read config %s: %w", path, err)
	}
	if len(data) > maxBytes {
		return nil, &Error{File: path, Msg: fmt.Sprintf("config file larger than %d bytes", maxBytes)}
	}
	return Parse(path, data)
}

// Parse decodes a config document strictly: unknown fields, a wrong apiVersion or kind, an
// exemption without checks or reason, and a malformed expiry are errors with their line.
func Parse(file string, data []byte) (*Config, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, &Error{File: file, Msg: strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	if len(root.Content) == 0 {
		return nil, &Error{File: file, Msg: "empty config file"}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var cfg Config
	if err := dec.Decode(&cfg); err != nil {
		return nil, yamlError(file, err)
	}
	doc := root.Content[0]
	if cfg.APIVersion != APIVersion || cfg.Kind != Kind {
		return nil, &Error{File: file, Line: doc.Line,
			Msg: fmt.Sprintf("want apiVersion %s and kind %s, got %q and %q", APIVersion, Kind, cfg.APIVersion, cfg.Kind)}
	}
	lines := exemptionLines(doc)
	var errs []error
	for i := range cfg.Exemptions {
		e := &cfg.Exemptions[i]
		line := 0
		if i < len(lines) {
			line = lines[i]
		}
		e.Source = fmt.Sprintf("%s:%d", file, line)
		if err := e.validate(); err != nil {
			errs = append(errs, &Error{File: file, Line: line, Msg: fmt.Sprintf("exemption %d: %v", i+1, err)})
		}
	}
	errs = append(errs, cfg.Images.validate(file, doc)...)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &cfg, nil
}

func (e *Exemption) validate() error {
	if len(e.Checks) == 0 {
		return errors.New("names no checks")
	}
	if strings.TrimSpace(e.Reason) == "" {
		return errors.New("has no reason: an accepted risk must say why")
	}
	for _, p := range append(append(append([]string(nil), e.Namespaces...), e.Names...), e.Kinds...) {
		if _, err := pathMatch(p); err != nil {
			return fmt.Errorf("bad pattern %q: %w", p, err)
		}
	}
	if e.Expires == "" {
		return nil
	}
	for _, layout := range []string{time.DateOnly, time.RFC3339} {
		if t, err := time.Parse(layout, e.Expires); err == nil {
			e.Expiry = &t
			return nil
		}
	}
	return fmt.Errorf("expires %q is not YYYY-MM-DD or RFC 3339", e.Expires)
}

// exemptionLines returns the line of each item of the top-level exemptions list.
func exemptionLines(doc *yaml.Node) []int {
	if doc.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(doc.Content); i += 2 {
		if doc.Content[i].Value == "exemptions" {
			var out []int
			for _, item := range doc.Content[i+1].Content {
				out = append(out, item.Line)
			}
			return out
		}
	}
	return nil
}

func yamlError(file string, err error) error {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		var errs []error
		for _, msg := range te.Errors {
			errs = append(errs, &Error{File: file, Msg: msg})
		}
		return errors.Join(errs...)
	}
	return &Error{File: file, Msg: strings.TrimPrefix(err.Error(), "yaml: ")}
}
