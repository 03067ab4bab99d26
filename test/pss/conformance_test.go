package pss_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	psaapi "k8s.io/pod-security-admission/api"
	"sigs.k8s.io/yaml"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/checks/kernel"
	"github.com/strata-sec/strata/internal/checks/workload"
	"github.com/strata-sec/strata/internal/engine"
	"github.com/strata-sec/strata/internal/inventory"
	"github.com/strata-sec/strata/internal/inventory/manifest"
	"github.com/strata-sec/strata/internal/posture"
	"github.com/strata-sec/strata/internal/pss"
)

// wrappings are the shapes each upstream fixture is evaluated in.
var wrappings = []string{"Pod", "Deployment", "CronJob"}

// tally counts verdicts and keeps the first disagreements for the report.
type tally struct {
	fixtures, agree, disagree int
	examples                  []string
}

func (t *tally) record(ok bool, format string, args ...any) {
	if ok {
		t.agree++
		return
	}
	t.disagree++
	if len(t.examples) < 25 {
		t.examples = append(t.examples, fmt.Sprintf(format, args...))
	}
}

// TestConformance evaluates every upstream fixture (testdata/<level>/v1.N/{pass,fail}/*.yaml)
// with strata's PSS checks for that level and version. A pass fixture must produce no finding
// and a fail fixture at least one, in each wrapping.
func TestConformance(t *testing.T) {
	root := filepath.Join(moduleDir(t, "k8s.io/pod-security-admission"), "test", "testdata")
	var all []check.Check
	for _, c := range append(workload.Checks(), kernel.Checks()...) {
		if _, ok := pss.ControlOf(c.Metadata().ID); ok {
			all = append(all, c)
		}
	}
	if got, want := len(all), len(pss.CheckIDs()); got != want {
		t.Fatalf("%d PSS checks registered in the layer packages, want %d", got, want)
	}
	var total tally
	for _, level := range []psaapi.Level{psaapi.LevelBaseline, psaapi.LevelRestricted} {
		dirs, err := filepath.Glob(filepath.Join(root, string(level), "v1.*"))
		if err != nil || len(dirs) == 0 {
			t.Fatalf("no fixture versions under %s: %v", filepath.Join(root, string(level)), err)
		}
		for _, dir := range dirs {
			v, err := psaapi.ParseVersion(filepath.Base(dir))
			if err != nil {
				t.Fatalf("fixture directory %s: %v", dir, err)
			}
			checks := pss.Select(all, level, v)
			for _, want := range []string{"pass", "fail"} {
				files, _ := filepath.Glob(filepath.Join(dir, want, "*.yaml"))
				if len(files) == 0 {
					t.Errorf("no %s fixtures in %s", want, dir)
				}
				for _, f := range files {
					rel, _ := filepath.Rel(root, f)
					evaluate(t, f, rel, checks, v, want == "fail", &total)
				}
			}
		}
	}
	t.Logf("%d fixtures x %d wrappings: %d agree, %d disagree",
		total.fixtures, len(wrappings), total.agree, total.disagree)
	if total.disagree > 0 {
		t.Errorf("strata disagrees with upstream on %d evaluations; first ones:\n%s",
			total.disagree, strings.Join(total.examples, "\n"))
	}
}

// evaluate loads one fixture, wraps it, and records whether each wrapping gets the expected
// verdict.
func evaluate(t *testing.T, file, rel string, checks []check.Check, v psaapi.Version, wantFail bool, total *tally) {
	t.Helper()
	objs := load(t, file)
	p, err := engine.Evaluate(context.Background(), inventory.NewIndex(objs), engine.Options{
		Checks: checks,
		Env:    check.Env{PSSVersion: v},
		Now:    time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, cov := range p.Coverage {
		if cov.Status == posture.StatusError {
			t.Fatalf("%s: check %s errored: %v", file, cov.CheckID, cov.Errors)
		}
	}
	byKind := map[string][]string{}
	for _, f := range p.Findings {
		byKind[f.Object.Kind] = append(byKind[f.Object.Kind], f.Check.ID+" "+f.Path+": "+f.Message)
	}
	total.fixtures++
	for _, kind := range wrappings {
		found := byKind[kind]
		sort.Strings(found)
		total.record(wantFail == (len(found) > 0), "%s as %s: want fail=%v, findings: %v", rel, kind, wantFail, found)
	}
}

// load reads an upstream fixture through the manifest loader and returns it as a Pod, a
// Deployment and a CronJob whose pod template is the Pod's metadata and spec.
func load(t *testing.T, file string) []*check.Object {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	objs := decode(t, file, data)
	pod, ok := objs[0].Obj.(*corev1.Pod)
	if len(objs) != 1 || !ok {
		t.Fatalf("%s: want one Pod, got %d objects (%T)", file, len(objs), objs[0].Obj)
	}
	tmpl := corev1.PodTemplateSpec{ObjectMeta: pod.ObjectMeta, Spec: pod.Spec}
	meta := metav1.ObjectMeta{Name: pod.Name, Namespace: pod.Namespace}
	deploy := &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: meta,
		Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": pod.Name}},
			Template: tmpl,
		},
	}
	cron := &batchv1.CronJob{
		TypeMeta:   metav1.TypeMeta{APIVersion: "batch/v1", Kind: "CronJob"},
		ObjectMeta: meta,
		Spec: batchv1.CronJobSpec{
			Schedule:    "0 * * * *",
			JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: tmpl}},
		},
	}
	for _, w := range []any{deploy, cron} {
		b, err := yaml.Marshal(w)
		if err != nil {
			t.Fatal(err)
		}
		objs = append(objs, decode(t, file, b)...)
	}
	if len(objs) != len(wrappings) {
		t.Fatalf("%s: wrapping produced %d objects, want %d", file, len(objs), len(wrappings))
	}
	return objs
}

func decode(t *testing.T, file string, data []byte) []*check.Object {
	t.Helper()
	objs, errs := manifest.Decode(file, data, manifest.Options{Parallelism: 1})
	if len(errs) > 0 || len(objs) == 0 {
		t.Fatalf("%s does not load: %+v", file, errs)
	}
	return objs
}

// moduleDir finds a module's source in the module cache with the go command, the same copy the
// build uses.
func moduleDir(t *testing.T, module string) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", module).Output()
	if err != nil {
		t.Fatalf("go list -m %s: %v", module, err)
	}
	dir := strings.TrimSpace(string(out))
	if dir == "" {
		t.Fatalf("go list -m %s: module has no directory (not downloaded?)", module)
	}
	return dir
}
