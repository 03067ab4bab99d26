// Package manifest reads Kubernetes manifests (multi-document YAML and JSON, List kinds) from
// files, directories and stdin into typed objects that remember their file and line.
package manifest
