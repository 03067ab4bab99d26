package cluster

import (
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// flagArg is one element of a container's command or args, with its field path.
type flagArg struct {
	text string
	path *field.Path
}

// flagOcc is one occurrence of a flag on a command line.
type flagOcc struct {
	name string
	// value is the flag's value; "" with hasValue false for a bare flag ("--profiling").
	value    string
	hasValue bool
	// joined is true for "--flag=value", false for "--flag value" and bare flags.
	joined bool
	// path is the element holding the flag; valuePath the one holding its value (the same
	// element when joined).
	path, valuePath *field.Path
}

// flags is a parsed command line. Every occurrence is kept: scalar flags take their last value,
// list flags append, as the components' flag libraries (spf13/pflag, and Go's flag package for
// etcd) do.
type flags struct {
	occ map[string][]flagOcc
}

// parseFlags reads --flag=value, --flag value and bare boolean flags. Single-dash long flags
// are accepted too, since etcd's Go flag package takes them. boolFlags lists the flags that
// never take the next element as their value: like pflag, "--profiling false" is the flag set
// to true followed by a positional argument. Arguments after "--" are not flags.
func parseFlags(args []flagArg, boolFlags map[string]bool) *flags {
	f := &flags{occ: map[string][]flagOcc{}}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a.text == "--" {
			break
		}
		if !strings.HasPrefix(a.text, "-") || strings.Trim(a.text, "-") == "" {
			continue // a positional argument
		}
		name := strings.TrimLeft(a.text, "-")
		o := flagOcc{path: a.path, valuePath: a.path}
		if n, v, ok := strings.Cut(name, "="); ok {
			o.name, o.value, o.hasValue, o.joined = normalizeFlag(n), v, true, true
		} else {
			o.name = normalizeFlag(name)
			if !boolFlags[o.name] && i+1 < len(args) && !strings.HasPrefix(args[i+1].text, "-") {
				i++
				o.value, o.hasValue, o.valuePath = args[i].text, true, args[i].path
			}
		}
		f.occ[o.name] = append(f.occ[o.name], o)
	}
	return f
}

// normalizeFlag maps --flag_name to --flag-name, as the Kubernetes components' flag sets do.
func normalizeFlag(name string) string { return strings.ReplaceAll(name, "_", "-") }

// last returns the occurrence that takes effect for a scalar flag.
func (f *flags) last(name string) (flagOcc, bool) {
	occs := f.occ[name]
	if len(occs) == 0 {
		return flagOcc{}, false
	}
	return occs[len(occs)-1], true
}

// has reports whether the flag is given at all.
func (f *flags) has(name string) bool { return len(f.occ[name]) > 0 }

// value returns a scalar flag's effective value; a bare flag's value is "true".
func (f *flags) value(name string) (string, bool) {
	o, ok := f.last(name)
	if !ok {
		return "", false
	}
	if !o.hasValue {
		return "true", true
	}
	return o.value, true
}

// boolean returns a boolean flag's effective value. ok is false when the flag is not given;
// valid is false when its value is not a boolean (the component would refuse to start).
func (f *flags) boolean(name string) (val, ok, valid bool) {
	s, ok := f.value(name)
	if !ok {
		return false, false, false
	}
	b, err := strconv.ParseBool(strings.TrimSpace(s))
	return b, true, err == nil
}

// list returns the items of a comma-separated list flag, across every occurrence.
func (f *flags) list(name string) []string {
	var out []string
	for _, o := range f.occ[name] {
		out = append(out, splitList(o.value)...)
	}
	return out
}

// listOcc returns the occurrence whose list holds item, for pointing at it.
func (f *flags) listOcc(name, item string) (flagOcc, bool) {
	for _, o := range f.occ[name] {
		for _, it := range splitList(o.value) {
			if it == item {
				return o, true
			}
		}
	}
	return flagOcc{}, false
}

// gates returns a --feature-gates style flag (Name=bool,...) merged across occurrences, later
// values winning, with the occurrence that set each gate.
func (f *flags) gates(name string) map[string]gate {
	out := map[string]gate{}
	for _, o := range f.occ[name] {
		for _, item := range splitList(o.value) {
			k, v, ok := strings.Cut(item, "=")
			if !ok {
				continue
			}
			b, err := strconv.ParseBool(strings.TrimSpace(v))
			out[strings.TrimSpace(k)] = gate{enabled: b, valid: err == nil, occ: o}
		}
	}
	return out
}

// gate is one feature gate setting.
type gate struct {
	enabled, valid bool
	occ            flagOcc
}

func splitList(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}
