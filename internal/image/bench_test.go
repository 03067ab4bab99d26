package image

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/strata-sec/strata/internal/image/imagetest"
)

// benchRefEnv makes the test binary analyse one reference as a child process and print its
// wall time and peak memory, so the benchmark's own registry does not count.
const benchRefEnv = "STRATA_IMAGE_BENCH_REF"

// childResult is what the child process prints after "BENCH-RESULT ".
type childResult struct {
	Seconds    float64 `json:"seconds"`
	VmHWMKiB   int64   `json:"vmHWMKiB"`
	PeakHeap   uint64  `json:"peakHeapBytes"`
	BytesRead  int64   `json:"bytesRead"`
	Packages   int     `json:"packages"`
	Error      string  `json:"error"`
	LayerCount int     `json:"layers"`
}

// TestAnalyzeSubprocess is the child side of BenchmarkAnalyze200MiB; it is skipped otherwise.
func TestAnalyzeSubprocess(t *testing.T) {
	ref := os.Getenv(benchRefEnv)
	if ref == "" {
		t.Skip("child process of BenchmarkAnalyze200MiB only")
	}
	var peak atomic.Uint64
	stop := make(chan struct{})
	go func() {
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	start := time.Now()
	a := New(Options{})
	f := a.Analyze(context.Background(), ref)
	elapsed := time.Since(start)
	close(stop)
	res := childResult{Seconds: elapsed.Seconds(), VmHWMKiB: vmHWM(t), PeakHeap: peak.Load(),
		BytesRead: a.Stats().BytesRead, Packages: len(f.Packages), Error: f.Error, LayerCount: f.Layers}
	b, _ := json.Marshal(res)
	fmt.Printf("BENCH-RESULT %s\n", b)
}

// vmHWM reads the peak resident set size of this process from /proc.
func vmHWM(t testing.TB) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return n
		}
	}
	return -1
}

// randomLayer is a gzip layer of files of incompressible content, generated from seed.
func randomLayer(b testing.TB, seed uint64, files, fileSize int) v1.Layer {
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestSpeed)
	tw := tar.NewWriter(zw)
	rng := rand.NewChaCha8([32]byte{byte(seed)})
	buf := make([]byte, fileSize)
	for i := 0; i < files; i++ {
		_, _ = rng.Read(buf)
		hdr := &tar.Header{Name: fmt.Sprintf("data/%d/blob-%03d.bin", seed, i), Typeflag: tar.TypeReg, Mode: 0o644,
			Size: int64(fileSize), ModTime: imagetest.Modified}
		if err := tw.WriteHeader(hdr); err != nil {
			b.Fatal(err)
		}
		if _, err := tw.Write(buf); err != nil {
			b.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		b.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		b.Fatal(err)
	}
	data := gz.Bytes()
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
	if err != nil {
		b.Fatal(err)
	}
	return l
}

// realisticStatus is a dpkg status of n installed packages with the fields dpkg writes.
func realisticStatus(n int) string {
	var sb strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&sb, "Package: pkg%d\nStatus: install ok installed\nPriority: optional\nSection: libs\n"+
			"Installed-Size: %d\nMaintainer: Debian Maintainers <debian@example.org>\nArchitecture: amd64\n"+
			"Multi-Arch: same\nSource: src%d (1.%d-1)\nVersion: 1.%d-1+deb12u1\nDepends: libc6 (>= 2.34), pkg%d\n"+
			"Description: package number %d\n A longer description of package %d\n that spans lines.\n\n",
			i, 100+i, i/3, i, i, (i+1)%n, i, i)
	}
	return sb.String()
}

// BenchmarkAnalyze200MiB analyses a ~200 MiB image (four layers of incompressible files and
// a base with a 400-package dpkg status) from a loopback registry, in a child process whose
// peak resident memory (VmHWM) is reported with its wall time.
func BenchmarkAnalyze200MiB(b *testing.B) {
	host := imagetest.Registry(b)
	base := imagetest.Layer(b, map[string]imagetest.File{
		"/etc/os-release":      {Content: "ID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n"},
		"/bin/sh":              {Content: "sh", Mode: 0o755},
		"/usr/bin/apt":         {Content: "apt", Mode: 0o755},
		"/var/lib/dpkg/status": {Content: realisticStatus(400)},
	})
	layers := []v1.Layer{base}
	for i := 0; i < 4; i++ {
		layers = append(layers, randomLayer(b, uint64(i+1), 25, 2<<20))
	}
	ref := host + "/bench/big:1"
	imagetest.Push(b, ref, imagetest.Image(b, v1.Config{}, layers...))
	b.ResetTimer()
	var last childResult
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestAnalyzeSubprocess$", "-test.count=1")
		cmd.Env = append(os.Environ(), benchRefEnv+"="+ref)
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("child: %v\n%s", err, out)
		}
		_, js, ok := strings.Cut(string(out), "BENCH-RESULT ")
		if !ok {
			b.Fatalf("child printed no result:\n%s", out)
		}
		js, _, _ = strings.Cut(js, "\n")
		if err := json.Unmarshal([]byte(js), &last); err != nil {
			b.Fatal(err)
		}
		if last.Error != "" || last.Packages != 400 || last.LayerCount != 5 {
			b.Fatalf("analysis: %+v", last)
		}
	}
	b.ReportMetric(last.Seconds, "s/analysis")
	b.ReportMetric(float64(last.VmHWMKiB)/1024, "peak-RSS-MiB")
	b.ReportMetric(float64(last.PeakHeap)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(last.BytesRead)/(1<<20), "MiB-read")
}

// BenchmarkAnalyzeAll500Refs50Images analyses 500 workload-like references (60 distinct
// names, ten images tagged twice) to 50 distinct images and reports the registry requests
// per distinct digest: one manifest GET, and config and layers fetched once.
func BenchmarkAnalyzeAll500Refs50Images(b *testing.B) {
	srv := imagetest.StartRegistry(b)
	var distinct []string
	for i := 0; i < 50; i++ {
		img := imagetest.Image(b, v1.Config{User: strconv.Itoa(1000 + i)},
			imagetest.Layer(b, map[string]imagetest.File{
				"/etc/os-release":       {Content: "ID=alpine\nVERSION_ID=3.19.1\n"},
				"/bin/busybox":          {Content: "busybox", Mode: 0o755},
				"/bin/sh":               {Link: "busybox"},
				"/lib/apk/db/installed": {Content: fmt.Sprintf("P:musl\nV:1.2.%d-r0\n\nP:app%d\nV:1.0-r0\n", i, i)},
			}),
			imagetest.Layer(b, map[string]imagetest.File{fmt.Sprintf("/app/%d", i): {Content: strings.Repeat("x", 1000+i)}}))
		ref := fmt.Sprintf("%s/team%d/svc%d:v1", srv.Host, i%7, i)
		imagetest.Push(b, ref, img)
		distinct = append(distinct, ref)
		if i < 10 {
			alias := fmt.Sprintf("%s/team%d/svc%d:stable", srv.Host, i%7, i)
			imagetest.Push(b, alias, img)
			distinct = append(distinct, alias)
		}
	}
	refs := make([]string, 500)
	for i := range refs {
		refs[i] = distinct[(i*7)%len(distinct)]
	}
	srv.ResetRequests()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a := New(Options{})
		out := a.AnalyzeAll(context.Background(), refs)
		if len(out) != len(distinct) {
			b.Fatalf("%d facts for %d distinct references", len(out), len(distinct))
		}
		for _, f := range out {
			if f.Error != "" {
				b.Fatal(f.Error)
			}
		}
		if st := a.Stats(); st.Analysed != 50 || st.Digests != 50 {
			b.Fatalf("stats %+v", st)
		}
	}
	b.StopTimer()
	m, blobs := srv.Requests()
	n := float64(b.N) * 50
	b.ReportMetric(float64(m)/n, "manifest-GETs/digest")
	b.ReportMetric(float64(blobs)/n, "blob-GETs/digest")
	b.ReportMetric(float64(srv.Heads())/(float64(b.N)*float64(len(distinct))), "HEADs/distinct-ref")
	if m != int64(b.N)*50 || blobs != int64(b.N)*150 {
		b.Fatalf("requests: %d manifest GETs and %d blob GETs for %d runs of 50 digests (want 1 and 3 per digest)", m, blobs, b.N)
	}
}
