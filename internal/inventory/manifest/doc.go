// Package manifest reads Kubernetes manifests (multi-document YAML and JSON, List kinds) from
// files, directories and stdin into typed objects that remember their file and line.
//
// Every object is decoded into its k8s.io/api type through the client-go scheme (unknown kinds
// stay *unstructured.Unstructured) from the JSON kubectl would send for the same text: YAML
// scalars follow kubectl's YAML 1.1 rules ("yes" is true), a repeated key keeps its last value
// and merge keys apply as kubectl applies them. Each object carries a position table that maps
// a JSON pointer to the line of that field.
//
// Documents are read by one of three parsers. A fast line-based parser reads the block YAML
// manifests are nearly always written in, and a JSON parser reads JSON, both straight into JSON
// and positions; anything either does not follow goes to go.yaml.in/yaml/v3 and a walker over
// its node tree. The fast parsers must read whatever they accept exactly as the full one does,
// which the tests and the fuzz target check document by document.
//
// Input is untrusted: files are capped in size, alias expansion is charged against a budget per
// file, nesting depth and the number of documents are limited, and one bad document is an input
// error with its line while the rest of the file still loads.
package manifest
