package framework

import (
	"strings"
	"testing"
	"testing/fstest"
)

const validFile = `frameworks:
  - id: demo
    title: Demo
    version: "1.0"
    url: https://example.com/demo
    controls:
      - id: "5.10"
        title: A control written like a float
        assessment: manual
        checks: [ST-0002, ST-0001]
      - id: uncovered
        title: Nothing covers this
        checks: []
        notAssessed: Review the setting by hand.
`

func TestLoadFSValid(t *testing.T) {
	x, err := LoadFS(fstest.MapFS{"d/demo.yaml": {Data: []byte(validFile)}}, "d")
	if err != nil {
		t.Fatal(err)
	}
	f, ok := x.Lookup("demo")
	if !ok {
		t.Fatal("framework demo not found")
	}
	if f.Source != "demo.yaml" || f.Version != "1.0" {
		t.Errorf("framework = %+v", f)
	}
	c, ok := f.Control("5.10")
	if !ok {
		t.Fatalf("control 5.10 lost its spelling: %+v", f.Controls)
	}
	if c.Assessment != AssessmentManual || strings.Join(c.Checks, ",") != "ST-0002,ST-0001" {
		t.Errorf("control = %+v", c)
	}
	if u, _ := f.Control("uncovered"); u.Checks == nil || len(u.Checks) != 0 {
		t.Errorf("uncovered control checks = %#v, want empty", u.Checks)
	}
	if u, _ := f.Control("uncovered"); u.NotAssessed != "Review the setting by hand." {
		t.Errorf("uncovered control notAssessed = %q", u.NotAssessed)
	}
	if refs := x.ForCheck("ST-0001"); len(refs) != 1 || refs[0].Control != "5.10" {
		t.Errorf("ForCheck(ST-0001) = %v", refs)
	}
}

func TestLoadFSRejects(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string // every substring must appear in the error
	}{
		{
			name:  "unknown field",
			files: map[string]string{"a.yaml": strings.Replace(validFile, "assessment: manual", "asessment: manual", 1)},
			want:  []string{"a.yaml", "line 9", "asessment"},
		},
		{
			name:  "unknown top-level field",
			files: map[string]string{"a.yaml": "framework: []\n"},
			want:  []string{"a.yaml", "line 1", "framework"},
		},
		{
			name:  "malformed check ID",
			files: map[string]string{"a.yaml": strings.Replace(validFile, "ST-0001]", "ST-01]", 1)},
			want:  []string{"a.yaml: line 10", `"ST-01" is not a check ID`},
		},
		{
			name:  "duplicate check in a control",
			files: map[string]string{"a.yaml": strings.Replace(validFile, "ST-0001]", "ST-0002]", 1)},
			want:  []string{"a.yaml: line 10", "lists ST-0002 twice"},
		},
		{
			name:  "checks omitted",
			files: map[string]string{"a.yaml": strings.Replace(validFile, "        checks: []\n", "", 1)},
			want:  []string{"a.yaml: line 11", `control "uncovered": checks is missing`},
		},
		{
			name:  "notAssessed alongside checks",
			files: map[string]string{"a.yaml": strings.Replace(validFile, "checks: [ST-0002, ST-0001]\n", "checks: [ST-0002, ST-0001]\n        notAssessed: nobody\n", 1)},
			want:  []string{"a.yaml: line 11", `control "5.10" has both checks and a notAssessed reason`},
		},
		{
			name:  "duplicate control",
			files: map[string]string{"a.yaml": strings.Replace(validFile, "id: uncovered", `id: "5.10"`, 1)},
			want:  []string{"a.yaml: line 11", `control "5.10" is already defined on line 7`},
		},
		{
			name:  "bad assessment",
			files: map[string]string{"a.yaml": strings.Replace(validFile, "assessment: manual", "assessment: scored", 1)},
			want:  []string{"a.yaml: line 9", `assessment "scored"`},
		},
		{
			name:  "plain HTTP URL and missing title",
			files: map[string]string{"a.yaml": strings.Replace(strings.Replace(validFile, "https://", "http://", 1), "    title: Demo\n", "", 1)},
			want:  []string{"a.yaml: line 4", "not HTTPS", "title is required"},
		},
		{
			name:  "bad framework ID",
			files: map[string]string{"a.yaml": strings.Replace(validFile, "id: demo", "id: Demo Framework", 1)},
			want:  []string{"a.yaml: line 2", `"Demo Framework"`},
		},
		{
			name:  "framework defined twice",
			files: map[string]string{"a.yaml": validFile, "b.yaml": validFile},
			want:  []string{"b.yaml", `"demo" is already defined in d/a.yaml`},
		},
		{
			name:  "two documents",
			files: map[string]string{"a.yaml": validFile + "---\nframeworks: []\n"},
			want:  []string{"a.yaml: line 15", "only one YAML document"},
		},
		{
			name:  "empty file",
			files: map[string]string{"a.yaml": ""},
			want:  []string{"a.yaml: file is empty"},
		},
		{
			name:  "mapping where a scalar belongs",
			files: map[string]string{"a.yaml": strings.Replace(validFile, "ST-0001]", "{id: ST-0001}]", 1)},
			want:  []string{"a.yaml", "line 10", "expected a scalar"},
		},
		{
			name:  "errors in two files are both reported",
			files: map[string]string{"a.yaml": "frameworks: []\n", "b.yaml": "nope: 1\n"},
			want:  []string{"a.yaml: no frameworks defined", "b.yaml", "nope"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for name, data := range tc.files {
				fsys["d/"+name] = &fstest.MapFile{Data: []byte(data)}
			}
			_, err := LoadFS(fsys, "d")
			if err == nil {
				t.Fatal("LoadFS accepted invalid data")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestLoadFSNoFiles(t *testing.T) {
	if _, err := LoadFS(fstest.MapFS{}, "d"); err == nil || !strings.Contains(err.Error(), "no framework data files") {
		t.Errorf("LoadFS of an empty directory = %v", err)
	}
}
