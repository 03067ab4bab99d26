// Package sbomtest validates SBOMs against the official CycloneDX 1.6 JSON schema in tests.
package sbomtest

import (
	"bytes"
	"embed"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

//go:embed schema/*.json
var schemas embed.FS

const base = "http://cyclonedx.org/schema/"

// Schema compiles the CycloneDX 1.6 schema with the documents it references, offline.
func Schema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	for _, file := range []string{"spdx.schema.json", "jsf-0.82.schema.json", "bom-1.6.schema.json"} {
		data, err := schemas.ReadFile("schema/" + file)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("parse %s: %v", file, err)
		}
		if err := c.AddResource(base+file, doc); err != nil {
			t.Fatalf("add %s: %v", file, err)
		}
	}
	sch, err := c.Compile(base + "bom-1.6.schema.json")
	if err != nil {
		t.Fatalf("compile the CycloneDX 1.6 schema: %v", err)
	}
	return sch
}

// Validate fails t unless data is a CycloneDX 1.6 JSON document.
func Validate(t testing.TB, data []byte) {
	t.Helper()
	if err := Check(Schema(t), data); err != nil {
		t.Fatalf("not valid CycloneDX 1.6: %v", err)
	}
}

// Check validates data against sch.
func Check(sch *jsonschema.Schema, data []byte) error {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return err
	}
	return sch.Validate(doc)
}
