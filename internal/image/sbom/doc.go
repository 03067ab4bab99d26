// Package sbom writes the software bill of materials of an analysed image as CycloneDX 1.6
// JSON: the image is the BOM's subject (a container component with its digest and an OCI
// package URL), its distribution and packages are the components.
package sbom
