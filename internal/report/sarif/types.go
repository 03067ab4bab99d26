package sarif

import "github.com/strata-sec/strata/internal/report"

// The subset of the SARIF 2.1.0 object model strata writes. Field names follow the
// specification; optional members are omitted when empty.

type sarifLog struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []run  `json:"runs"`
}

type run struct {
	Tool        tool         `json:"tool"`
	Invocations []invocation `json:"invocations"`
	Results     []result     `json:"results"`
	Properties  runProps     `json:"properties"`
}

type runProps struct {
	SchemaVersion  string    `json:"strata-schema-version"`
	PSSVersion     string    `json:"pss-version,omitempty"`
	Sources        []string  `json:"sources"`
	Datasets       []dataset `json:"datasets"`
	ObjectsScanned int       `json:"objects-scanned"`
}

type dataset struct {
	Name string `json:"name"`
	Date string `json:"date"`
}

type tool struct {
	Driver driver `json:"driver"`
}

type driver struct {
	Name           string `json:"name"`
	Version        string `json:"version,omitempty"`
	InformationURI string `json:"informationUri,omitempty"`
	Rules          []rule `json:"rules"`
}

type message struct {
	Text string `json:"text"`
}

type multiformat struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type rule struct {
	ID                   string        `json:"id"`
	Name                 string        `json:"name"`
	ShortDescription     multiformat   `json:"shortDescription"`
	FullDescription      multiformat   `json:"fullDescription"`
	Help                 multiformat   `json:"help"`
	HelpURI              string        `json:"helpUri,omitempty"`
	DefaultConfiguration configuration `json:"defaultConfiguration"`
	Properties           ruleProps     `json:"properties"`
}

type configuration struct {
	Level string `json:"level"`
}

type ruleProps struct {
	Tags []string `json:"tags"`
	// SecuritySeverity is read by code-scanning services to rank results: a CVSS-like score
	// written as a string.
	SecuritySeverity string      `json:"security-severity"`
	Severity         string      `json:"severity"`
	Layer            string      `json:"layer"`
	Frameworks       []framework `json:"frameworks"`
}

type framework struct {
	ID      string `json:"id"`
	Control string `json:"control"`
}

type result struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             message           `json:"message"`
	Locations           []location        `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Suppressions        []suppression     `json:"suppressions,omitempty"`
	Properties          resultProps       `json:"properties"`
}

type resultProps struct {
	Object object `json:"object"`
	Path   string `json:"path,omitempty"`
	// Fix is the JSON patch against the object: SARIF's own fixes need byte regions of the
	// source file, which a patch against a decoded object does not have.
	Fix []report.PatchOp `json:"fix,omitempty"`
}

type object struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace,omitempty"`
	Name       string `json:"name"`
	UID        string `json:"uid,omitempty"`
}

type location struct {
	PhysicalLocation *physicalLocation `json:"physicalLocation,omitempty"`
	LogicalLocations []logicalLocation `json:"logicalLocations,omitempty"`
}

type physicalLocation struct {
	ArtifactLocation artifactLocation `json:"artifactLocation"`
	Region           *region          `json:"region,omitempty"`
}

type artifactLocation struct {
	URI string `json:"uri"`
}

type region struct {
	StartLine int `json:"startLine"`
}

type logicalLocation struct {
	Name               string `json:"name"`
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

type suppression struct {
	Kind          string `json:"kind"`
	Status        string `json:"status"`
	Justification string `json:"justification,omitempty"`
}

type invocation struct {
	ExecutionSuccessful        bool           `json:"executionSuccessful"`
	EndTimeUTC                 string         `json:"endTimeUtc"`
	ToolExecutionNotifications []notification `json:"toolExecutionNotifications,omitempty"`
}

type notification struct {
	Level          string         `json:"level"`
	Message        message        `json:"message"`
	Locations      []location     `json:"locations,omitempty"`
	AssociatedRule *descriptorRef `json:"associatedRule,omitempty"`
}

type descriptorRef struct {
	ID    string `json:"id"`
	Index int    `json:"index"`
}
