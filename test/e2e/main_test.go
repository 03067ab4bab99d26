package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/strata-sec/strata/test/cluster"
)

// strataBin is the strata binary TestMain built for this run.
var strataBin string

// repoRoot is the repository root; the example manifests are read from there.
var repoRoot string

func TestMain(m *testing.M) { os.Exit(testMain(m)) }

func testMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "strata-e2e-")
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: %v\n", err)
		return 1
	}
	defer os.RemoveAll(dir)
	if repoRoot, err = cluster.RepoRoot(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: %v\n", err)
		return 1
	}
	if strataBin, err = buildStrata(dir); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: %v\n", err)
		return 1
	}
	return cluster.Main(m)
}

// buildStrata compiles cmd/strata into dir, so every test runs the command users run.
func buildStrata(dir string) (string, error) {
	bin := filepath.Join(dir, "strata")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/strata")
	cmd.Dir = repoRoot
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("building strata: %w\n%s", err, out)
	}
	return bin, nil
}

// result is what one run of the strata binary produced.
type result struct {
	args           []string
	stdout, stderr string
	code           int
	took           time.Duration
}

// String describes the run for failure messages.
func (r result) String() string {
	return fmt.Sprintf("strata %s: exit %d after %s\nstderr:\n%s", strings.Join(r.args, " "), r.code,
		r.took.Round(time.Millisecond), r.stderr)
}

// strata runs the binary with args and a time limit, and fails t if it could not be run or did
// not exit on its own (a crash by signal has no exit code).
func strata(t testing.TB, timeout time.Duration, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := command(ctx, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	r := result{args: args, stdout: stdout.String(), stderr: stderr.String(), took: time.Since(start)}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case ctx.Err() != nil:
		t.Fatalf("strata %s did not finish within %s\nstderr:\n%s", strings.Join(args, " "), timeout, r.stderr)
	case errors.As(err, &exit) && exit.ExitCode() >= 0:
		r.code = exit.ExitCode()
	default:
		t.Fatalf("strata %s: %v (a crash, not an exit code)\nstderr:\n%s", strings.Join(args, " "), err, r.stderr)
	}
	return r
}

// command prepares a run of the binary in the repository root, with an environment that cannot
// point it at any cluster other than the one its flags name.
func command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, strataBin, args...)
	cmd.Dir = repoRoot
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "KUBECONFIG=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	return cmd
}
