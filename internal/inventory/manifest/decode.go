package manifest

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	yaml "go.yaml.in/yaml/v3"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/posture"
)

// maxErrorsPerFile keeps a file of garbage from turning into millions of error records.
const maxErrorsPerFile = 100

// Decode reads the documents in data (multi-document YAML, or a stream of JSON objects) and
// decodes each object into its typed form. Every problem is an input error naming file and
// line; a bad document is skipped and the rest of the file is still read.
//
// opts is variadic so that callers written before options existed keep compiling; only the
// first Options is used.
func Decode(file string, data []byte, opts ...Options) ([]*check.Object, []posture.InputError) {
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	return decode(file, data, o)
}

func decode(file string, data []byte, opts Options) ([]*check.Object, []posture.InputError) {
	chunks, splitErrs := split(string(data), opts.maxDocuments())
	results := decodeChunks(file, chunks, opts)
	n := 0
	for i := range results {
		n += len(results[i].objs)
	}
	objs := make([]*check.Object, 0, n)
	var errs []posture.InputError
	for i := range results {
		objs = append(objs, results[i].objs...)
		errs = append(errs, results[i].errs...)
	}
	errs = append(errs, splitErrs...)
	for i := range errs {
		errs[i].File = file
	}
	if len(errs) > maxErrorsPerFile {
		more := len(errs) - maxErrorsPerFile
		errs = append(errs[:maxErrorsPerFile:maxErrorsPerFile], posture.InputError{
			File: file, Message: fmt.Sprintf("%d more errors in this file not shown", more),
		})
	}
	return objs, errs
}

type chunkResult struct {
	objs []*check.Object
	errs []posture.InputError
}

// decodeChunks decodes chunks in parallel, keeping their order: parsing YAML is most of the
// cost of a scan from files, and documents are independent of each other.
func decodeChunks(file string, chunks []chunk, opts Options) []chunkResult {
	results := make([]chunkResult, len(chunks))
	budget := newBudget(opts.maxAliasNodes())
	parallel(len(chunks), opts.parallelism(), func(next func() (int, bool)) {
		d := newDocDecoder(file, opts, budget)
		for i, ok := next(); ok; i, ok = next() {
			results[i] = d.chunk(chunks[i])
		}
	})
	return results
}

// parallel runs work on up to workers goroutines; each takes indexes in [0, n) from next until
// none are left.
func parallel(n, workers int, work func(next func() (int, bool))) {
	var counter atomic.Int64
	next := func() (int, bool) {
		i := int(counter.Add(1)) - 1
		return i, i < n
	}
	if workers = min(workers, n); workers <= 1 {
		work(next)
		return
	}
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() { work(next) })
	}
	wg.Wait()
}

func newBudget(n int64) *atomic.Int64 {
	b := new(atomic.Int64)
	b.Store(n)
	return b
}

// docDecoder decodes the documents of one file; each worker has its own.
type docDecoder struct {
	file        string
	useFast     bool
	parallelism int
	fast        fastParser
	json        jsonParser
	w           walker
	lineOff     int // added to parser lines: the chunk's first line, less one
	first       int // the chunk's first content line
	res         chunkResult
}

func newDocDecoder(file string, opts Options, budget *atomic.Int64) *docDecoder {
	return &docDecoder{
		file:        file,
		useFast:     !opts.fullOnly,
		parallelism: opts.parallelism(),
		fast:        fastParser{maxDepth: opts.maxDepth()},
		json:        jsonParser{maxDepth: opts.maxDepth()},
		w: walker{
			maxDepth: opts.maxDepth(), aliases: budget, limit: opts.maxAliasNodes(), trackOff: -1,
		},
	}
}

// chunk decodes every document of one chunk, with the fast parser when it can.
func (d *docDecoder) chunk(c chunk) (res chunkResult) {
	d.res, d.lineOff, d.first = chunkResult{}, c.line-1, c.first
	d.w.start(d.lineOff)
	// The YAML library and the typed decoders are third-party code fed with untrusted input; a
	// panic in them must cost one document, not the process. The panic value is not repeated:
	// it could quote the input, secrets included.
	defer func() {
		if recover() != nil {
			d.fail(c.first, "internal error decoding this document")
		}
		res = d.res
	}()
	switch {
	case !d.useFast:
	case strings.HasPrefix(c.text, "{"):
		if d.json.parse(c) && d.buildFast(&d.json.fastOut) {
			return
		}
	case d.fast.parse(c) && d.buildFast(&d.fast.fastOut):
		return
	}
	d.full(c)
	return
}

// buildFast decodes the objects a fast parser read; the items of a large List are decoded in
// parallel, as separate documents are. On a decoding error it keeps none of them: the full
// parser then reads the document again and reports the error at the failing field.
func (d *docDecoder) buildFast(out *fastOut) bool {
	objs := make([]*check.Object, len(out.objs))
	workers := 1
	if len(out.objs) >= 64 {
		workers = d.parallelism
	}
	var failed atomic.Bool
	parallel(len(objs), workers, func(next func() (int, bool)) {
		// A panic here is not in the goroutine chunk guards; the full parser meets the same
		// object again there.
		defer func() {
			if recover() != nil {
				failed.Store(true)
			}
		}()
		for i, ok := next(); ok && !failed.Load(); i, ok = next() {
			o := out.objs[i]
			obj, err := d.build(out.buf[o.jsonStart:o.jsonEnd], out.pos[o.posStart:o.posEnd], o.line, o.apiVersion, o.kind)
			if err != nil {
				failed.Store(true)
				return
			}
			objs[i] = obj
		}
	})
	if failed.Load() {
		return false
	}
	d.res.objs = append(d.res.objs, objs...)
	return true
}

// full decodes a chunk with the YAML library. A parser error ends the chunk: the parser cannot
// resynchronise, but the next chunk starts at the next "---" and is read normally.
func (d *docDecoder) full(c chunk) {
	dec := yaml.NewDecoder(strings.NewReader(c.text))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			line, msg := parserError(err)
			if line == 0 {
				line = c.first - d.lineOff
			}
			d.fail(line+d.lineOff, "invalid YAML: "+msg)
			return
		}
		if len(doc.Content) == 0 {
			continue
		}
		d.w.objects(doc.Content[0], d.keep, d.walkFailed)
	}
}

func (d *docDecoder) fail(line int, msg string) {
	d.res.errs = append(d.res.errs, posture.InputError{File: d.file, Line: line, Message: msg})
}

func (d *docDecoder) walkFailed(err error) {
	var we *walkError
	if errors.As(err, &we) {
		d.fail(we.line+d.lineOff, we.msg)
		return
	}
	d.fail(d.first, err.Error())
}

// build decodes the JSON of one object into its typed form.
func (d *docDecoder) build(data []byte, pos []posEntry, line int, apiVersion, kind string) (*check.Object, error) {
	obj, err := decodeTyped(data, apiVersion, kind)
	if err != nil {
		return nil, err
	}
	return newObject(obj, check.Location{File: d.file, Line: line}, newPositions(line, pos)), nil
}

// keep decodes the object the walker has just written and keeps it; a decoding error points
// at the line of the field that failed.
func (d *docDecoder) keep(o walked) {
	line := o.node.Line + d.lineOff
	obj, err := d.build(d.w.buf, d.w.pos, line, o.apiVersion, o.kind)
	if err != nil {
		if off, ok := jsonErrorOffset(err); ok {
			if l := d.w.fieldLine(o, off); l > 0 {
				line = l
			}
		}
		msg := strings.TrimPrefix(err.Error(), "json: ")
		d.fail(line, fmt.Sprintf("cannot decode %s %s: %s", o.apiVersion, o.kind, msg))
		return
	}
	d.res.objs = append(d.res.objs, obj)
}

// parserProblems are the errors go.yaml.in/yaml/v3 raises in its parser rather than its scanner.
// For these it reports the 0-based line of the enclosing collection (scanner errors are
// 1-based), so one is added to point at that collection's first line.
var parserProblems = map[string]bool{
	"did not find expected <stream-start>":   true,
	"did not find expected <document start>": true,
	"did not find expected node content":     true,
	"did not find expected key":              true,
	"did not find expected '-' indicator":    true,
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"found undefined tag handle":             true,
	"found duplicate %YAML directive":        true,
	"found duplicate %TAG directive":         true,
	"found incompatible YAML document":       true,
}

// parserError splits a go.yaml.in/yaml/v3 error ("yaml: line 3: did not find expected key")
// into its 1-based line (0 when it names none) and its reason.
func parserError(err error) (int, string) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	rest, ok := strings.CutPrefix(msg, "line ")
	if !ok {
		return 0, msg
	}
	num, reason, ok := strings.Cut(rest, ": ")
	if !ok {
		return 0, msg
	}
	line, err := strconv.Atoi(num)
	if err != nil {
		return 0, msg
	}
	if parserProblems[reason] {
		line++
	}
	return line, reason
}

func (o Options) parallelism() int {
	if o.Parallelism > 0 {
		return o.Parallelism
	}
	return runtime.GOMAXPROCS(0)
}
