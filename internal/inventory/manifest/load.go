package manifest

import (
	"context"
	"io"
	"strings"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/posture"
)

// Defaults for the zero Options.
const (
	// DefaultMaxFileBytes caps one input file.
	DefaultMaxFileBytes = 32 << 20
	// DefaultMaxAliasNodes caps the nodes YAML aliases may expand to in one file. Real manifests
	// use a handful of anchors; a "billion laughs" document needs billions.
	DefaultMaxAliasNodes = 200_000
	// DefaultMaxDepth caps how deeply mappings and sequences nest; a Deployment nests about ten
	// levels.
	DefaultMaxDepth = 100
	// DefaultMaxDocuments caps the documents of one file.
	DefaultMaxDocuments = 100_000
)

// Options bounds what the loader accepts. The zero value uses the defaults above.
type Options struct {
	// MaxFileBytes caps each file (and stdin); 0 means DefaultMaxFileBytes.
	MaxFileBytes int64
	// MaxAliasNodes caps the nodes alias expansion may produce per file; 0 means
	// DefaultMaxAliasNodes.
	MaxAliasNodes int64
	// MaxDepth caps the nesting of mappings and sequences; 0 means DefaultMaxDepth.
	MaxDepth int
	// MaxDocuments caps the documents per file; 0 means DefaultMaxDocuments.
	MaxDocuments int
	// Parallelism is how many documents are decoded at once; 0 means GOMAXPROCS.
	Parallelism int
	// Stdin is read for the path "-".
	Stdin io.Reader

	// fullOnly makes every document go through the full YAML parser; tests use it to check
	// that the fast parser reads documents exactly as the full one does.
	fullOnly bool
}

// Result is everything read: objects in input order, and input errors with file and line.
type Result struct {
	Objects []*check.Object
	Errors  []posture.InputError
	// Files counts the files (and stdin) read.
	Files int
}

// stdinName is the file name of objects read from standard input.
const stdinName = "<stdin>"

// Load reads every path: files, directories (recursively: .yaml, .yml, .json, in sorted order)
// and "-" for stdin. Unreadable input is recorded in Result.Errors and the rest is still read;
// the error is only for a cancelled context. Files are decoded in parallel; objects and errors
// keep the order of the paths.
func Load(ctx context.Context, paths []string, opts Options) (*Result, error) {
	if err := ctx.Err(); err != nil {
		return &Result{}, err
	}
	inputs := listInputs(paths, opts)
	outs := make([]fileResult, len(inputs))
	parallel(len(inputs), opts.parallelism(), func(next func() (int, bool)) {
		for i, ok := next(); ok && ctx.Err() == nil; i, ok = next() {
			outs[i] = inputs[i].load(opts)
		}
	})
	res := &Result{}
	for _, o := range outs {
		res.Objects = append(res.Objects, o.objs...)
		res.Errors = append(res.Errors, o.errs...)
		if o.read {
			res.Files++
		}
	}
	return res, ctx.Err()
}

// input is one file to read, or an error found while listing the paths.
type input struct {
	path  string
	stdin io.Reader // for "-": standard input, or an empty reader after the first "-"
	err   *posture.InputError
}

type fileResult struct {
	objs []*check.Object
	errs []posture.InputError
	read bool
}

// listInputs expands the paths into files in order; standard input is read for the first "-"
// only, as a second read would find it empty.
func listInputs(paths []string, opts Options) []input {
	var inputs []input
	seen := map[string]bool{}
	stdin := opts.Stdin
	for _, p := range paths {
		if p == "-" {
			inputs = append(inputs, input{path: p, stdin: stdin})
			stdin = strings.NewReader("")
			continue
		}
		files, errs := expand(p, seen)
		for i := range errs {
			inputs = append(inputs, input{err: &errs[i]})
		}
		for _, f := range files {
			inputs = append(inputs, input{path: f})
		}
	}
	return inputs
}

func (in input) load(opts Options) fileResult {
	if in.err != nil {
		return fileResult{errs: []posture.InputError{*in.err}}
	}
	name, data, err := in.path, []byte(nil), error(nil)
	if in.path == "-" {
		name = stdinName
		data, err = readCapped(in.stdin, opts.maxFileBytes())
	} else {
		data, err = readFile(in.path, opts.maxFileBytes())
	}
	if err != nil {
		return fileResult{errs: []posture.InputError{{File: name, Message: err.Error()}}}
	}
	objs, errs := Decode(name, data, opts)
	return fileResult{objs: objs, errs: errs, read: true}
}

func (o Options) maxFileBytes() int64  { return orDefault(o.MaxFileBytes, DefaultMaxFileBytes) }
func (o Options) maxAliasNodes() int64 { return orDefault(o.MaxAliasNodes, DefaultMaxAliasNodes) }
func (o Options) maxDepth() int        { return orDefault(o.MaxDepth, DefaultMaxDepth) }
func (o Options) maxDocuments() int    { return orDefault(o.MaxDocuments, DefaultMaxDocuments) }

func orDefault[T int | int64](v, def T) T {
	if v > 0 {
		return v
	}
	return def
}
