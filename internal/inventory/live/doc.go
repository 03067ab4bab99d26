// Package live reads the inventory of a running cluster through client-go: it discovers what
// the API server serves, lists only the kinds the selected checks read (in pages, a few kinds at
// a time), decodes them into the typed k8s.io/api structs, and adds one synthetic ClusterInfo
// object with the server version and what an anonymous caller may do. StartInformers keeps the
// same inventory current for strata watch: shared informers on the same kinds, planned, denied,
// decoded and scrubbed by the same code, each change handed to a sink.
//
// Two rules shape it. Least privilege: a kind no check reads is never requested, and Secrets are
// listed as metadata only, so strata never holds a Secret's data. Honesty: a kind the server
// does not serve, or the caller may not list, is recorded as denied with the reason, so the
// checks that need it are not assessed instead of passed; any other failure ends the load with
// an error rather than a partial inventory that would read as clean.
package live
