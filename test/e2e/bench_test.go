package e2e

import (
	"bufio"
	"context"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/strata-sec/strata/test/cluster"
)

// Targets of the live-scan benchmark (issue requirement) for a cluster of 15,000 objects.
const (
	targetWall   = 30 * time.Second
	targetRSSMiB = 600
)

// gnuTime is Debian's time package: -v reports the peak resident set size.
const gnuTime = "/usr/bin/time"

// BenchmarkLiveScan15k seeds a private cluster with 10,000 pods and 5,000 other objects across
// 50 namespaces, once, then measures the whole command
//
//	strata scan --cluster --kubeconfig ADMIN --format json -o /dev/null
//
// at the default --qps and --burst: wall time and peak RSS (from GNU time -v) per scan. Run it
// with a long timeout; seeding takes about a minute:
//
//	go test ./test/e2e -run '^$' -bench BenchmarkLiveScan15k -benchtime 3x -timeout 30m
func BenchmarkLiveScan15k(b *testing.B) {
	cluster.SkipIfRequested(b)
	if _, err := os.Stat(gnuTime); err != nil {
		b.Fatalf("%s is needed to measure peak RSS: apt-get install time (%v)", gnuTime, err)
	}
	ctx := context.Background()
	c, err := cluster.Start(ctx, cluster.Options{})
	if err != nil {
		b.Fatalf("starting a private cluster: %v", err)
	}
	b.Cleanup(func() { _ = c.Stop() })
	start := time.Now()
	counts, err := seed(ctx, c)
	if err != nil {
		b.Fatalf("seeding: %v", err)
	}
	b.Logf("seeded %d objects in %s: %s", counts.total(), time.Since(start).Round(100*time.Millisecond), counts)
	verifyScan(b, c, counts)

	args := []string{"scan", "--cluster", "--kubeconfig", c.AdminKubeconfig(), "--format", "json", "-o", os.DevNull}
	var walls []time.Duration
	var peaks []float64
	for b.Loop() {
		m := measure(b, args)
		walls, peaks = append(walls, m.wall), append(peaks, m.peakMiB)
		b.Logf("scan: wall %s, CPU %s user + %s system, peak RSS %.0f MiB",
			m.wall.Round(10*time.Millisecond), m.user, m.system, m.peakMiB)
	}
	wall, peak := slices.Max(walls), slices.Max(peaks)
	b.ReportMetric(wall.Seconds(), "max-wall-s")
	b.ReportMetric(peak, "max-peak-RSS-MiB")
	if wall > targetWall || peak > targetRSSMiB {
		b.Errorf("a live scan of %d objects took %s with a peak RSS of %.0f MiB; the targets are %s and %d MiB",
			counts.total(), wall.Round(10*time.Millisecond), peak, targetWall, targetRSSMiB)
	}
}

// String lists the counts by kind, in a stable order.
func (s seedCounts) String() string {
	var parts []string
	for _, kind := range slices.Sorted(maps.Keys(s)) {
		parts = append(parts, fmt.Sprintf("%d %s", s[kind], kind))
	}
	return strings.Join(parts, ", ")
}

// verifyScan runs the benchmark's scan once, untimed, into a file, and requires it to have
// read every pod: a scan that lists nothing is fast but proves nothing.
func verifyScan(b *testing.B, c *cluster.Cluster, counts seedCounts) {
	b.Helper()
	out := filepath.Join(b.TempDir(), "report.json")
	r := strata(b, 5*time.Minute, "scan", "--cluster", "--kubeconfig", c.AdminKubeconfig(), "--format", "json", "-o", out)
	if r.code != 0 {
		b.Fatalf("%s", r)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		b.Fatal(err)
	}
	r.stdout = string(data)
	rep := parseReport(b, r)
	if rep.Summary.ObjectsScanned < counts["Pod"] {
		b.Fatalf("the scan read %d objects, fewer than the %d pods seeded", rep.Summary.ObjectsScanned, counts["Pod"])
	}
	b.Logf("the scan reads %d objects (the kinds its %d checks need) and reports %d findings, in %s",
		rep.Summary.ObjectsScanned, rep.Summary.ChecksRun, rep.Summary.Findings, r.took.Round(10*time.Millisecond))
}

// measurement is one timed run of the binary.
type measurement struct {
	wall         time.Duration
	user, system string
	peakMiB      float64
}

// measure runs strata with args under GNU time -v and returns its figures.
func measure(b *testing.B, args []string) measurement {
	b.Helper()
	report := filepath.Join(b.TempDir(), "time.txt")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, gnuTime, append([]string{"-v", "-o", report, strataBin}, args...)...)
	cmd.Env = command(ctx).Env
	start := time.Now()
	out, err := cmd.CombinedOutput()
	m := measurement{wall: time.Since(start)}
	if err != nil {
		b.Fatalf("strata %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	f, err := os.Open(report)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, value, ok := strings.Cut(strings.TrimSpace(sc.Text()), ": ")
		if !ok {
			continue
		}
		switch name {
		case "User time (seconds)":
			m.user = value + " s"
		case "System time (seconds)":
			m.system = value + " s"
		case "Maximum resident set size (kbytes)":
			kb, err := strconv.ParseFloat(value, 64)
			if err != nil {
				b.Fatalf("%s: %v", report, err)
			}
			m.peakMiB = kb / 1024
		}
	}
	if m.peakMiB == 0 {
		b.Fatalf("%s reports no maximum resident set size", report)
	}
	return m
}
