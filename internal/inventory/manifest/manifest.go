package manifest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/yaml"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/posture"
)

// DefaultMaxFileBytes caps one input file.
const DefaultMaxFileBytes = 32 << 20

// Options bounds what the loader accepts.
type Options struct {
	// MaxFileBytes caps each file (and stdin); 0 means DefaultMaxFileBytes.
	MaxFileBytes int64
	// Stdin is read for the path "-".
	Stdin io.Reader
}

// Result is everything read: objects in input order, and input errors with file and line.
type Result struct {
	Objects []*check.Object
	Errors  []posture.InputError
	Files   int
}

// Load reads every path: files, directories (recursively: .yaml, .yml, .json) and "-" for stdin.
// Unreadable input is recorded in Result.Errors and the rest is still read; the error is only
// for a cancelled context.
func Load(ctx context.Context, paths []string, opts Options) (*Result, error) {
	res := &Result{}
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		if p == "-" {
			data, err := readCapped(opts.Stdin, opts.max())
			if err != nil {
				res.Errors = append(res.Errors, posture.InputError{File: "<stdin>", Message: err.Error()})
				continue
			}
			res.add("<stdin>", data)
			continue
		}
		files, err := expand(p)
		if err != nil {
			res.Errors = append(res.Errors, posture.InputError{File: p, Message: err.Error()})
			continue
		}
		for _, f := range files {
			if err := ctx.Err(); err != nil {
				return res, err
			}
			data, err := readFile(f, opts.max())
			if err != nil {
				res.Errors = append(res.Errors, posture.InputError{File: f, Message: err.Error()})
				continue
			}
			res.add(f, data)
		}
	}
	return res, nil
}

func (o Options) max() int64 {
	if o.MaxFileBytes > 0 {
		return o.MaxFileBytes
	}
	return DefaultMaxFileBytes
}

func (res *Result) add(file string, data []byte) {
	res.Files++
	objs, errs := Decode(file, data)
	res.Objects = append(res.Objects, objs...)
	res.Errors = append(res.Errors, errs...)
}

func expand(p string) ([]string, error) {
	info, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return []string{p}, nil
	}
	var files []string
	err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch strings.ToLower(filepath.Ext(path)) {
		case ".yaml", ".yml", ".json":
			if !d.IsDir() {
				files = append(files, path)
			}
		}
		return nil
	})
	sort.Strings(files)
	return files, err
}

func readFile(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readCapped(f, max)
}

func readCapped(r io.Reader, max int64) ([]byte, error) {
	if r == nil {
		return nil, fmt.Errorf("no standard input")
	}
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("file larger than the %d-byte limit (see --max-file-size)", max)
	}
	return data, nil
}

// Decode splits data into YAML documents and decodes each into its typed object.
func Decode(file string, data []byte) ([]*check.Object, []posture.InputError) {
	var objs []*check.Object
	var errs []posture.InputError
	line := 1
	for _, doc := range bytes.Split(data, []byte("\n---")) {
		start := line
		line += bytes.Count(doc, []byte("\n")) + 1
		if len(bytes.TrimSpace(doc)) == 0 {
			continue
		}
		j, err := yaml.YAMLToJSON(doc)
		if err != nil {
			errs = append(errs, posture.InputError{File: file, Line: start, Message: err.Error()})
			continue
		}
		obj, _, err := scheme.Codecs.UniversalDeserializer().Decode(j, nil, nil)
		if err != nil {
			u := &unstructured.Unstructured{}
			if uerr := u.UnmarshalJSON(j); uerr != nil {
				errs = append(errs, posture.InputError{File: file, Line: start, Message: err.Error()})
				continue
			}
			obj = u
		}
		objs = append(objs, newObject(obj, check.Location{File: file, Line: start}))
	}
	return objs, errs
}

func newObject(obj runtime.Object, loc check.Location) *check.Object {
	gvk := obj.GetObjectKind().GroupVersionKind()
	m, _ := obj.(metav1.Object)
	o := &check.Object{Obj: obj, Meta: m, Source: loc}
	o.Ref = check.Ref{APIVersion: gvk.GroupVersion().String(), Kind: gvk.Kind}
	if m != nil {
		o.Ref.Namespace, o.Ref.Name, o.Ref.UID = m.GetNamespace(), m.GetName(), string(m.GetUID())
	}
	return o
}
