// Package cli is strata's command line: one file per verb, each with an options struct
// (Complete, Validate, Run, AddFlags) writing only to injected IO streams.
package cli
