package image

import (
	"context"
	"fmt"
	"os"
	"sort"
	"sync"
	"sync/atomic"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/strata-sec/strata/internal/imagefacts"
)

// Analyzer fetches and analyses images. It is safe for concurrent use; each distinct manifest
// digest is analysed at most once at a time, and once ever when a disk cache is configured.
type Analyzer struct {
	opts Options

	mu     sync.Mutex
	flight map[string]*call

	references, digests, analysed, cacheHits, bytesRead atomic.Int64
	seen                                                sync.Map // digests counted in Stats
}

// call is one analysis of a digest that concurrent callers share.
type call struct {
	done  chan struct{}
	facts *imagefacts.Facts
}

// Stats count the work an Analyzer did.
type Stats struct {
	// References is how many references were asked for (each distinct one per AnalyzeAll).
	References int64
	// Digests is how many distinct manifest digests they resolved to.
	Digests int64
	// Analysed is how many digests were analysed from their layers; CacheHits how many were
	// served from the disk cache.
	Analysed  int64
	CacheHits int64
	// BytesRead is the uncompressed layer bytes read.
	BytesRead int64
}

// New returns an Analyzer; zero fields of opts take their defaults.
func New(opts Options) *Analyzer {
	return &Analyzer{opts: opts.withDefaults(), flight: map[string]*call{}}
}

// Stats returns the counts so far.
func (a *Analyzer) Stats() Stats {
	return Stats{
		References: a.references.Load(), Digests: a.digests.Load(), Analysed: a.analysed.Load(),
		CacheHits: a.cacheHits.Load(), BytesRead: a.bytesRead.Load(),
	}
}

// Analyze returns the facts of one reference. It never returns nil: when the image cannot be
// fetched or analysed, Facts.Error says why and names the reference.
func (a *Analyzer) Analyze(ctx context.Context, ref string) *imagefacts.Facts {
	return a.AnalyzeAll(ctx, []string{ref})[0]
}

// AnalyzeAll returns one Facts per distinct reference, in the order of first appearance.
// References are resolved to digests first, with bounded concurrency, and each distinct
// digest is fetched and analysed once.
func (a *Analyzer) AnalyzeAll(ctx context.Context, refs []string) []*imagefacts.Facts {
	var distinct []string
	index := map[string]bool{}
	for _, r := range refs {
		if !index[r] {
			index[r] = true
			distinct = append(distinct, r)
		}
	}
	a.references.Add(int64(len(distinct)))
	res := a.resolveAll(ctx, distinct)
	out := make([]*imagefacts.Facts, len(distinct))
	for i, r := range res {
		if r.err != nil {
			out[i] = failed(distinct[i], SourceOf(distinct[i]), r.err)
		}
	}
	// One representative reference per digest is analysed.
	byDigest := map[string][]int{}
	var order []string
	for i, r := range res {
		if r.err != nil {
			continue
		}
		d := r.digest.String()
		if _, ok := byDigest[d]; !ok {
			order = append(order, d)
			if _, loaded := a.seen.LoadOrStore(d, true); !loaded {
				a.digests.Add(1)
			}
		}
		byDigest[d] = append(byDigest[d], i)
	}
	base := make([]*imagefacts.Facts, len(order))
	a.parallel(len(order), func(j int) {
		first := byDigest[order[j]][0]
		f := a.analyseDigest(ctx, res[first].resolved)
		a.match(f)
		base[j] = f
	})
	baseOf := make([]*imagefacts.Facts, len(distinct))
	for j, d := range order {
		for _, i := range byDigest[d] {
			baseOf[i] = base[j]
		}
	}
	a.parallel(len(distinct), func(i int) {
		if baseOf[i] != nil {
			out[i] = a.forReference(ctx, baseOf[i], distinct[i], res[i].resolved)
		}
	})
	return out
}

// match adds the vulnerabilities of an analysed image's packages.
func (a *Analyzer) match(f *imagefacts.Facts) {
	if f.Error != "" || a.opts.Matcher == nil {
		return
	}
	vulns, db, err := a.opts.Matcher.Match(f.Packages, f.OS)
	f.Vulnerabilities, f.VulnDB = vulns, db
	if err != nil {
		f.VulnDB = nil
		f.PackageErrors = append(f.PackageErrors, fmt.Sprintf("vulnerability matching: %v", err))
	}
}

// outcome is a reference resolved to an image, or why it could not be.
type outcome struct {
	*resolved
	err error
}

// resolveAll resolves distinct references: a HEAD request (or the local source) for each,
// then one manifest fetch per distinct manifest digest, all with bounded concurrency.
func (a *Analyzer) resolveAll(ctx context.Context, refs []string) []outcome {
	opts := a.sharedOptions(ctx)
	looks := make([]*lookup, len(refs))
	a.parallel(len(refs), func(i int) { looks[i] = a.lookup(ctx, refs[i], opts) })
	out := make([]outcome, len(refs))
	groups := map[string][]int{}
	var keys []string
	for i, l := range looks {
		switch {
		case l.err != nil:
			out[i].err = l.err
		case l.res != nil:
			out[i].resolved = l.res
		default:
			k := l.key()
			if _, ok := groups[k]; !ok {
				keys = append(keys, k)
			}
			groups[k] = append(groups[k], i)
		}
	}
	a.parallel(len(keys), func(j int) {
		idx := groups[keys[j]]
		r, err := a.fetch(looks[idx[0]], opts)
		for _, i := range idx {
			if err != nil {
				out[i].err = err
				continue
			}
			c := *r
			c.ref = looks[i].ref
			out[i].resolved = &c
		}
	})
	return out
}

// forReference copies the digest's facts for one reference and verifies its signature.
func (a *Analyzer) forReference(ctx context.Context, f *imagefacts.Facts, ref string, r *resolved) *imagefacts.Facts {
	c := *f
	c.ObjectMeta = metav1.ObjectMeta{Name: ref}
	c.Reference, c.Source = ref, r.source
	if c.Error != "" {
		return failed(ref, r.source, fmt.Errorf("%s", c.Error))
	}
	if r.platform != "" {
		c.Platform = r.platform
	}
	if a.opts.Verifier != nil {
		if r.source == SourceRegistry && r.ref != nil {
			c.Signature = a.opts.Verifier.Verify(ctx, r.ref, r.digest, a.remoteOptions(ctx)...)
		} else {
			c.Signature = &imagefacts.Signature{Problem: "image read from " + r.source + ": signatures are verified only in a registry"}
		}
	}
	return &c
}

// analyseDigest returns the facts of a resolved image from the cache or by analysis, sharing
// the work with concurrent callers for the same digest.
func (a *Analyzer) analyseDigest(ctx context.Context, r *resolved) *imagefacts.Facts {
	key := r.digest.String()
	a.mu.Lock()
	if c, ok := a.flight[key]; ok {
		a.mu.Unlock()
		<-c.done
		return copyFacts(c.facts)
	}
	c := &call{done: make(chan struct{})}
	a.flight[key] = c
	a.mu.Unlock()
	defer func() {
		a.mu.Lock()
		delete(a.flight, key)
		a.mu.Unlock()
		close(c.done)
	}()
	if f := r.cached; f != nil {
		a.cacheHits.Add(1)
		c.facts = f
		return copyFacts(f)
	}
	if f := a.loadCache(r.digest); f != nil {
		a.cacheHits.Add(1)
		c.facts = f
		return copyFacts(f)
	}
	f, err := a.analyseImage(ctx, r)
	if err != nil {
		c.facts = failed("", r.source, fmt.Errorf("digest %s: %w", key, err))
		return copyFacts(c.facts)
	}
	a.analysed.Add(1)
	// A cache that cannot be written costs a later re-analysis, not this result.
	_ = a.storeCache(r.digest, f)
	c.facts = f
	return copyFacts(f)
}

func copyFacts(f *imagefacts.Facts) *imagefacts.Facts {
	c := *f
	c.PackageErrors = append([]string(nil), f.PackageErrors...)
	return &c
}

// failed is the Facts of a reference that could not be analysed.
func failed(ref, source string, err error) *imagefacts.Facts {
	f := newFacts(ref, source)
	f.Config.UID = -1
	if ref != "" {
		f.Error = fmt.Sprintf("image %s: %v", ref, err)
	} else {
		f.Error = err.Error()
	}
	return f
}

func newFacts(ref, source string) *imagefacts.Facts {
	return &imagefacts.Facts{
		TypeMeta:      metav1.TypeMeta{APIVersion: imagefacts.APIVersion, Kind: imagefacts.KindName},
		ObjectMeta:    metav1.ObjectMeta{Name: ref},
		SchemaVersion: imagefacts.SchemaVersion,
		Reference:     ref, Source: source,
	}
}

// analyseImage reads the configuration and every layer of one image.
func (a *Analyzer) analyseImage(ctx context.Context, r *resolved) (*imagefacts.Facts, error) {
	cf, err := r.img.ConfigFile()
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	m, err := r.img.Manifest()
	if err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	layers, err := r.img.Layers()
	if err != nil {
		return nil, fmt.Errorf("list layers: %w", err)
	}
	f := newFacts("", r.source)
	f.Digest = r.digest.String()
	f.AnalyzedAt = metav1.Now()
	f.Platform = r.platform
	if f.Platform == "" && cf.OS != "" {
		f.Platform = (&v1.Platform{OS: cf.OS, Architecture: cf.Architecture, Variant: cf.Variant}).String()
	}
	f.Config = configFacts(cf)
	f.Layers = len(layers)
	for _, l := range m.Layers {
		f.Size += l.Size
	}
	tmp, err := os.MkdirTemp(a.opts.TempDir, "strata-image-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	col := &collector{opts: a.opts, tempDir: tmp}
	fl := newFlattener(a.opts.MaxEntries, a.opts.MaxTotalBytes)
	err = fl.walk(ctx, layers, col)
	a.bytesRead.Add(fl.total)
	if err != nil {
		return nil, err
	}
	col.finish(fl)
	osr := col.osRelease
	if osr == nil {
		osr = col.usrOSRelease
	}
	f.OS = parseOSRelease(osr)
	f.Config.UID = uidOf(f.Config.User, col.passwd)
	f.Packages = col.packages(ctx, f.OS)
	sort.Slice(col.files, func(i, j int) bool {
		if col.files[i].Path != col.files[j].Path {
			return col.files[i].Path < col.files[j].Path
		}
		return col.files[i].Category < col.files[j].Category
	})
	f.Files = col.files
	f.Distroless = true
	for _, fi := range f.Files {
		if fi.Category == imagefacts.FileShell || fi.Category == imagefacts.FilePackageManager {
			f.Distroless = false
		}
	}
	f.PackageErrors = col.pkgErrs
	return f, nil
}

// parallel runs fn(0..n-1) on at most Concurrency goroutines.
func (a *Analyzer) parallel(n int, fn func(int)) {
	sem := make(chan struct{}, a.opts.Concurrency)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		sem <- struct{}{}
		wg.Add(1)
		go func(i int) {
			defer func() { <-sem; wg.Done() }()
			fn(i)
		}(i)
	}
	wg.Wait()
}
