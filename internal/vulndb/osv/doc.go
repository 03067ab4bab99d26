// Package osv is strata's offline database of OSV vulnerability records
// (https://ossf.github.io/osv-schema/) and the matcher that decides which records affect the
// packages found in a container image.
//
// Import reads OSV exports (a directory of JSON records or an ecosystem's all.zip), validates
// and bounds every record, and merges them into a database directory: records are indexed by
// (ecosystem, package name), so Open reads only the index and Match reads only the entries of
// the packages it is asked about. A new import is written beside the current one and switched
// to in one rename, so a failed import leaves the previous database in place.
//
// Versions are ordered the way each ecosystem's package manager orders them: dpkg for Debian
// and Ubuntu, apk for Alpine, rpm for the RPM distributions and semantic versions for Go. A
// package of an ecosystem strata cannot order, or of a release the database holds no records
// for, is never reported as unaffected: MatchAll lists it as unmatched with the reason.
package osv
