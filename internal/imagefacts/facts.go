// Package imagefacts holds what strata learns about one container image: configuration,
// contents, packages, vulnerabilities and signature. Facts are JSON-serialisable and are one
// object of kind Image in an inventory, so container checks read them like any other input
// and coverage says when no image was analysed.
package imagefacts

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// API identity of an Image object.
const (
	Group      = "strata.dev"
	APIVersion = "strata.dev/v1alpha1"
	KindName   = "Image"
	// SchemaVersion is the version of the Facts layout; cached facts of another version are
	// analysed again.
	SchemaVersion = "v1"
)

// Kind is the group and kind checks over image facts declare as their input.
var Kind = schema.GroupKind{Group: Group, Kind: KindName}

// Facts is everything strata knows about one image reference. ObjectMeta.Name is the
// reference as workloads write it ("nginx:1.27", "ghcr.io/org/app@sha256:..."); two references
// that resolve to one digest are two objects sharing one analysis.
type Facts struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`

	SchemaVersion string `json:"schemaVersion"`
	// Reference is the reference analysed (equal to Name), Digest the manifest digest it
	// resolved to ("sha256:..."), Platform the platform chosen from an index ("linux/amd64").
	Reference string `json:"reference"`
	Digest    string `json:"digest,omitempty"`
	Platform  string `json:"platform,omitempty"`
	// Source says where the image came from: "registry", "oci-layout" or "tarball".
	Source string `json:"source"`
	// Error is set when the image could not be fetched or analysed; every other field but
	// Reference and Source is then empty and checks over it are not assessed.
	Error string `json:"error,omitempty"`
	// AnalyzedAt is when the analysis ran (cached facts keep their original time).
	AnalyzedAt metav1.Time `json:"analyzedAt"`

	Config Config `json:"config"`
	// Size is the sum of the compressed layer sizes in bytes; Layers the number of layers.
	Size   int64 `json:"size"`
	Layers int   `json:"layers"`
	// Files are the notable files of the flattened filesystem (whiteouts applied).
	Files []File `json:"files,omitempty"`
	// Distroless is true when the image has no shell and no package manager.
	Distroless bool `json:"distroless"`
	// OS is the distribution from /etc/os-release ("debian", "12"); empty when there is none.
	OS OS `json:"os"`
	// Packages are the OS packages (dpkg, apk, rpm) and Go modules found in the image.
	Packages []Package `json:"packages,omitempty"`
	// PackageErrors are package databases present but unreadable (a truncated dpkg status):
	// vulnerability matching over them is incomplete and says so.
	PackageErrors []string `json:"packageErrors,omitempty"`

	// Vulnerabilities are the matches of Packages against the vulnerability database named in
	// VulnDB; VulnDB is nil when no database was available, and the vulnerability check is then
	// not assessed.
	Vulnerabilities []Vulnerability `json:"vulnerabilities,omitempty"`
	VulnDB          *VulnDB         `json:"vulnDB,omitempty"`

	// Signature is the result of signature verification; nil when verification was not asked
	// for (no trusted keys configured).
	Signature *Signature `json:"signature,omitempty"`
}

// Config is the image configuration that matters for security.
type Config struct {
	// User is the USER as written ("", "0", "root", "1000:1000", "app").
	User string `json:"user"`
	// UID is the numeric user when it can be told: from a number in User or from /etc/passwd
	// of the image; -1 when unknown (a name not in /etc/passwd).
	UID          int      `json:"uid"`
	ExposedPorts []string `json:"exposedPorts,omitempty"`
	Entrypoint   []string `json:"entrypoint,omitempty"`
	Cmd          []string `json:"cmd,omitempty"`
	WorkingDir   string   `json:"workingDir,omitempty"`
	// EnvNames are the names of every environment variable; values are never kept.
	EnvNames []string `json:"envNames,omitempty"`
	// CredentialEnv are the env names that look like credentials (PASSWORD, TOKEN, SECRET,
	// API_KEY, ...) and have a non-empty value. The values are never kept.
	CredentialEnv []string          `json:"credentialEnv,omitempty"`
	Labels        map[string]string `json:"labels,omitempty"`
	Created       string            `json:"created,omitempty"`
}

// File categories.
const (
	FileShell          = "shell"
	FilePackageManager = "package-manager"
	FileNetworkTool    = "network-tool"
	FileInterpreter    = "interpreter"
	FileSetuid         = "setuid"
	FileSetgid         = "setgid"
	FileWorldWritable  = "world-writable-dir"
	FilePrivateKey     = "private-key"
	FileCredential     = "credential"
)

// File is one notable path in the flattened filesystem.
type File struct {
	// Path is absolute ("/bin/sh").
	Path     string `json:"path"`
	Category string `json:"category"`
	// Name is the tool it is ("sh", "apt", "curl"); for keys and credentials what was
	// recognised ("RSA private key", "AWS credentials").
	Name string `json:"name,omitempty"`
	Mode string `json:"mode"`
	UID  int    `json:"uid"`
	GID  int    `json:"gid"`
	// Layer is the index of the layer the file comes from (0 is the base).
	Layer int `json:"layer"`
}

// OS is the distribution the image is built on.
type OS struct {
	ID        string `json:"id,omitempty"`
	VersionID string `json:"versionID,omitempty"`
	// Codename is VERSION_CODENAME ("bookworm").
	Codename string `json:"codename,omitempty"`
}

// Package ecosystems, named as OSV names them.
const (
	EcosystemDebian = "Debian"
	EcosystemUbuntu = "Ubuntu"
	EcosystemAlpine = "Alpine"
	EcosystemRPM    = "Red Hat" // rpm packages; the distribution is in Package.Distro
	EcosystemGo     = "Go"
)

// Package is one installed package.
type Package struct {
	// Ecosystem is the OSV ecosystem ("Debian", "Alpine", "Go"); Distro the release part an
	// OSV ecosystem may carry ("12" for "Debian:12", "v3.19" for "Alpine:v3.19").
	Ecosystem string `json:"ecosystem"`
	Distro    string `json:"distro,omitempty"`
	Name      string `json:"name"`
	Version   string `json:"version"`
	// Source is the source package for dpkg/rpm (vulnerabilities are often filed against it).
	Source string `json:"source,omitempty"`
	// Path is where it was found: the database file, or the Go binary.
	Path string `json:"path"`
	// PURL is the package URL (pkg:deb/debian/openssl@3.0.11-1?distro=debian-12).
	PURL string `json:"purl,omitempty"`
}

// Vulnerability is one package matched to one advisory.
type Vulnerability struct {
	// ID is the advisory ID (CVE-2024-1234, GHSA-..., DSA-...); Aliases its other IDs.
	ID      string   `json:"id"`
	Aliases []string `json:"aliases,omitempty"`
	Summary string   `json:"summary,omitempty"`
	Package string   `json:"package"`
	// Ecosystem and Installed identify the package; Fixed is the first fixed version
	// ("" when no fix is known).
	Ecosystem string `json:"ecosystem"`
	Installed string `json:"installed"`
	Fixed     string `json:"fixed,omitempty"`
	// Severity is critical/high/medium/low from the record's CVSS (or its stated severity);
	// CVSS the base score and Vector the vector when the record has one.
	Severity string  `json:"severity"`
	CVSS     float64 `json:"cvss,omitempty"`
	Vector   string  `json:"vector,omitempty"`
	URL      string  `json:"url,omitempty"`
}

// VulnDB names the vulnerability database a match used.
type VulnDB struct {
	Name string `json:"name"`
	// Date is when the database was imported; Records how many advisories it held.
	Date    metav1.Time `json:"date"`
	Records int         `json:"records"`
	// Unmatched says which of the image's packages the database could not judge ("Red Hat:
	// rhel:9.3: 212 packages: the database holds no advisories for it"): the vulnerability
	// check then never reads the image as clean.
	Unmatched []string `json:"unmatched,omitempty"`
}

// Signature is the result of verifying an image's signatures against trusted keys.
type Signature struct {
	// Verified is true when at least one signature verifies against a trusted key and names
	// this image's digest.
	Verified bool `json:"verified"`
	// Signatures counts the signatures found; 0 means the image is unsigned.
	Signatures int `json:"signatures"`
	// Key names the trusted key that verified (its file name or fingerprint).
	Key string `json:"key,omitempty"`
	// Problem says why verification failed: no signature, bad signature, payload for another
	// digest, registry error.
	Problem string `json:"problem,omitempty"`
}

// DeepCopyObject implements runtime.Object. Facts are never modified after analysis, so a
// shallow copy of the slices is enough for the inventory's needs.
func (f *Facts) DeepCopyObject() runtime.Object {
	if f == nil {
		return nil
	}
	out := *f
	f.ObjectMeta.DeepCopyInto(&out.ObjectMeta)
	return &out
}
