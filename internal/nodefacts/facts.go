package nodefacts

import (
	"encoding/json"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// API identity of a Facts object.
const (
	Group         = "strata.dev"
	APIVersion    = "strata.dev/v1alpha1"
	KindName      = "NodeFacts"
	SchemaVersion = "v1"
)

// Kind is the group and kind checks over node facts declare as their input.
var Kind = schema.GroupKind{Group: Group, Kind: KindName}

// Facts is everything strata knows about one node. Its JSON form is the replayable record
// (strata node --facts-out / --facts) and the document violation paths point into.
type Facts struct {
	metav1.TypeMeta `json:",inline"`
	// ObjectMeta.Name is the node's hostname.
	metav1.ObjectMeta `json:"metadata"`

	// SchemaVersion is the version of this layout; Decode rejects any other.
	SchemaVersion string `json:"schemaVersion"`
	// Root is the directory the facts were read under ("/" for the host itself).
	Root string `json:"root"`
	// CollectedAt is when collection started (RFC 3339, UTC).
	CollectedAt metav1.Time `json:"collectedAt"`
	Hostname    string      `json:"hostname"`

	Kubelet      Kubelet      `json:"kubelet"`
	ControlPlane ControlPlane `json:"controlPlane"`
	// Files are the files the CIS Kubernetes Benchmark (1.1.x, 4.1.x) names, each with its role.
	Files    []File   `json:"files"`
	Kernel   Kernel   `json:"kernel"`
	Security Security `json:"security"`
	// Sysctls maps a sysctl name (kernel.kptr_restrict) to its value, whitespace-trimmed. A
	// sysctl the kernel does not have is absent.
	Sysctls   map[string]string `json:"sysctls"`
	Listeners []Listener        `json:"listeners"`
	SSHD      SSHD              `json:"sshd"`
	// RuntimeSockets are the container runtime sockets (containerd, docker, cri-o).
	RuntimeSockets  []File           `json:"runtimeSockets"`
	SeccompProfiles []SeccompProfile `json:"seccompProfiles"`
}

// Kubelet is the running kubelet and its configuration.
type Kubelet struct {
	// Found is true when a process whose argv[0] base name is "kubelet" runs.
	Found bool `json:"found"`
	PID   int  `json:"pid,omitempty"`
	// Args is the full command line, argv[0] included.
	Args []string `json:"args,omitempty"`
	// Flags are the --name=value / --name value flags of Args, without the dashes. A flag
	// given without a value (--foo) is "true"; a repeated flag keeps its last value.
	Flags map[string]string `json:"flags,omitempty"`
	// ConfigPath is the KubeletConfiguration file: --config, or the first standard location
	// that exists. Empty when there is none.
	ConfigPath string `json:"configPath,omitempty"`
	// Config is the KubeletConfiguration decoded generically from YAML or JSON, with the
	// field names as written (authentication.anonymous.enabled...). Nil when absent or
	// unparseable (the parse error is one of Collect's errors).
	Config map[string]any `json:"config,omitempty"`
	// KubeconfigPath is --kubeconfig, else the kubeadm default when it exists.
	KubeconfigPath string `json:"kubeconfigPath,omitempty"`
}

// Component names of ControlPlane.
const (
	APIServer         = "kube-apiserver"
	ControllerManager = "kube-controller-manager"
	Scheduler         = "kube-scheduler"
	Etcd              = "etcd"
)

// ControlPlane holds the control-plane components found on the node.
type ControlPlane struct {
	// Components maps a component name (kube-apiserver, kube-controller-manager,
	// kube-scheduler, etcd) to what was found; a component neither as static pod nor as
	// process is absent.
	Components map[string]Component `json:"components,omitempty"`
	// AuditPolicy is the file named by the kube-apiserver's --audit-policy-file; nil when
	// the API server is not on this node or has no such flag.
	AuditPolicy *AuditPolicy `json:"auditPolicy,omitempty"`
}

// AuditPolicy is the API server's audit policy file and its rules.
type AuditPolicy struct {
	// Path is the flag's value, a path on the node.
	Path string `json:"path"`
	// Exists is false when no file is at Path; Rules are then empty.
	Exists bool `json:"exists"`
	// Error says why a present file could not be read or parsed; Rules are then empty.
	Error string `json:"error,omitempty"`
	// Rules are the audit.k8s.io Policy's rules, in order: the API server applies the
	// first rule that matches a request.
	Rules []AuditPolicyRule `json:"rules,omitempty"`
}

// AuditPolicyRule is one rule of an audit policy. An empty list matches everything.
type AuditPolicyRule struct {
	// Level is None, Metadata, Request or RequestResponse, as written.
	Level     string                `json:"level"`
	Resources []AuditGroupResources `json:"resources,omitempty"`
	Verbs     []string              `json:"verbs,omitempty"`
	// Namespaces limit the rule to these namespaces ("" is cluster-scoped resources).
	Namespaces []string `json:"namespaces,omitempty"`
	Users      []string `json:"users,omitempty"`
	UserGroups []string `json:"userGroups,omitempty"`
	// NonResourceURLs limit a rule without resources or namespaces to non-resource
	// requests (/healthz, /version...).
	NonResourceURLs []string `json:"nonResourceURLs,omitempty"`
}

// AuditGroupResources are resources of one API group ("" is the core group) a rule matches.
type AuditGroupResources struct {
	Group string `json:"group"`
	// Resources are resource names ("secrets", "pods/log", "*"); empty means all of the group.
	Resources []string `json:"resources,omitempty"`
	// ResourceNames limit the rule to objects of these names.
	ResourceNames []string `json:"resourceNames,omitempty"`
}

// Component is one control-plane component: its static pod manifest and/or its process.
type Component struct {
	// ManifestPath is the static pod manifest, as a path on the node (/etc/kubernetes/...).
	ManifestPath string `json:"manifestPath,omitempty"`
	// Command and Args are the first container's command and args in the manifest.
	Command []string `json:"command,omitempty"`
	Args    []string `json:"args,omitempty"`
	// ProcessArgs is the command line of the running process, when one was found.
	ProcessArgs []string `json:"processArgs,omitempty"`
	// Flags are parsed from Command+Args, or from ProcessArgs when there is no manifest.
	Flags map[string]string `json:"flags,omitempty"`
}

// File roles.
const (
	RoleKubeletConfig               = "kubelet-config"
	RoleKubeletService              = "kubelet-service"
	RoleKubeletKubeconfig           = "kubelet-kubeconfig"
	RoleCAFile                      = "ca-file"
	RoleAPIServerManifest           = "apiserver-manifest"
	RoleControllerManagerManifest   = "controller-manager-manifest"
	RoleSchedulerManifest           = "scheduler-manifest"
	RoleEtcdManifest                = "etcd-manifest"
	RoleCNIConfig                   = "cni-config"
	RoleEtcdDataDir                 = "etcd-data-dir"
	RoleAdminKubeconfig             = "admin-kubeconfig"
	RoleSuperAdminKubeconfig        = "super-admin-kubeconfig"
	RoleSchedulerKubeconfig         = "scheduler-kubeconfig"
	RoleControllerManagerKubeconfig = "controller-manager-kubeconfig"
	RolePKIDir                      = "pki-dir"
	RolePKICert                     = "pki-cert"
	RolePKIKey                      = "pki-key"
	RoleContainerRuntimeSocket      = "container-runtime-socket"
)

// File is one file or directory on the node, stat'ed without following a final symlink.
type File struct {
	// Path is the path on the node (/etc/kubernetes/admin.conf), not under Root.
	Path string `json:"path"`
	Role string `json:"role"`
	// Exists is false when the path is absent; the other fields are then zero.
	Exists bool `json:"exists"`
	IsDir  bool `json:"isDir,omitempty"`
	// IsSymlink is true when Path itself is a symbolic link (Mode is then the link's).
	IsSymlink bool `json:"isSymlink,omitempty"`
	IsSocket  bool `json:"isSocket,omitempty"`
	// Mode is the permission bits in octal ("0600"); ModeBits is the same number.
	Mode     string `json:"mode,omitempty"`
	ModeBits uint32 `json:"modeBits,omitempty"`
	UID      int    `json:"uid"`
	GID      int    `json:"gid"`
	// Owner and Group are resolved through Root's /etc/passwd and /etc/group; empty when not.
	Owner string `json:"owner,omitempty"`
	Group string `json:"group,omitempty"`
}

// Kernel is the running kernel and the distribution.
type Kernel struct {
	// Release is /proc/sys/kernel/osrelease ("6.8.0-45-generic").
	Release string `json:"release,omitempty"`
	// Version is /proc/version.
	Version string `json:"version,omitempty"`
	OS      OS     `json:"os"`
}

// OS is parsed from /etc/os-release.
type OS struct {
	ID         string `json:"id,omitempty"`
	VersionID  string `json:"versionID,omitempty"`
	PrettyName string `json:"prettyName,omitempty"`
}

// Security is the state of the kernel's security modules.
type Security struct {
	// Seccomp is true when the kernel supports seccomp: /proc/self/status has a Seccomp
	// field (present only with CONFIG_SECCOMP). Nil when that file is unreadable.
	Seccomp *bool `json:"seccomp,omitempty"`
	// AppArmor is /sys/module/apparmor/parameters/enabled == "Y"; nil when absent.
	AppArmor *bool `json:"apparmor,omitempty"`
	// SELinux is "enforcing" or "permissive" from /sys/fs/selinux/enforce; "" when absent.
	SELinux string `json:"selinux,omitempty"`
}

// Listener is a bound socket: a listening TCP socket or any bound UDP socket.
type Listener struct {
	// Protocol is tcp, tcp6, udp or udp6.
	Protocol string `json:"protocol"`
	Address  string `json:"address"`
	Port     int    `json:"port"`
	Inode    uint64 `json:"inode"`
	// PID and Process (comm, else argv[0] base) are set when a /proc/<pid>/fd link
	// names the socket.
	PID     int    `json:"pid,omitempty"`
	Process string `json:"process,omitempty"`
}

// SSHD is the effective sshd settings strata judges (the first value wins, as in sshd).
type SSHD struct {
	// Found is true when /etc/ssh/sshd_config exists.
	Found                  bool   `json:"found"`
	PermitRootLogin        string `json:"permitRootLogin,omitempty"`
	PasswordAuthentication string `json:"passwordAuthentication,omitempty"`
	// Sources are the files read, in the order sshd reads them.
	Sources []string `json:"sources,omitempty"`
}

// SeccompProfile is one Localhost seccomp profile under the kubelet's seccomp directory.
type SeccompProfile struct {
	// Path is the path on the node; LocalhostRef is what a pod names in
	// localhostProfile (relative to the seccomp directory).
	Path          string `json:"path"`
	LocalhostRef  string `json:"localhostRef"`
	DefaultAction string `json:"defaultAction,omitempty"`
	// Allowed are the syscalls with an allowing action (SCMP_ACT_ALLOW, SCMP_ACT_LOG),
	// sorted and unique.
	Allowed []string `json:"allowed,omitempty"`
	// Error says why the profile could not be parsed; the other fields are then empty.
	Error string `json:"error,omitempty"`
}

// File returns the first file of a role, and whether there is one.
func (f *Facts) File(role string) (File, int, bool) {
	for i, x := range f.Files {
		if x.Role == role {
			return x, i, true
		}
	}
	return File{}, -1, false
}

// GetObjectKind implements runtime.Object.
func (f *Facts) GetObjectKind() schema.ObjectKind { return &f.TypeMeta }

// DeepCopyObject implements runtime.Object by a JSON round trip: Facts is plain data whose
// JSON form is its definition.
func (f *Facts) DeepCopyObject() runtime.Object {
	if f == nil {
		return nil
	}
	return f.DeepCopy()
}

// DeepCopy returns an independent copy of f.
func (f *Facts) DeepCopy() *Facts {
	if f == nil {
		return nil
	}
	b, err := json.Marshal(f)
	if err != nil {
		return nil
	}
	out := &Facts{}
	if err := json.Unmarshal(b, out); err != nil {
		return nil
	}
	return out
}
