package nodefacts

import (
	"path"
	"strconv"
	"strings"
)

// process is one running process found under /proc.
type process struct {
	pid  int
	args []string
}

// processes lists the processes under <root>/proc with a non-empty command line, in pid
// order. Processes that vanish or deny reading are skipped: /proc is a moving target.
func (c *collector) processes() []process {
	entries, err := c.fs.readDir("/proc")
	c.fail(err)
	var out []process
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid <= 0 {
			continue
		}
		b, ok, err := c.fs.read("/proc/"+e.Name()+"/cmdline", maxSmallFile)
		if !ok || err != nil || len(b) == 0 {
			continue
		}
		out = append(out, process{pid: pid, args: splitCmdline(b)})
	}
	sortProcesses(out)
	return out
}

func sortProcesses(ps []process) {
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && ps[j].pid < ps[j-1].pid; j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
}

// splitCmdline splits a NUL-separated /proc/<pid>/cmdline.
func splitCmdline(b []byte) []string {
	s := strings.TrimRight(string(b), "\x00")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\x00")
}

// findProcess returns the first process whose argv[0] base name is name.
func findProcess(procs []process, name string) (process, bool) {
	for _, p := range procs {
		if len(p.args) > 0 && path.Base(p.args[0]) == name {
			return p, true
		}
	}
	return process{}, false
}

// ParseFlags parses the --name=value and --name value flags of a command line (argv[0]
// excluded by the caller or not: words before the first flag are ignored). A flag without
// a value is "true"; a repeated flag keeps its last value, as pflag does.
func ParseFlags(args []string) map[string]string {
	flags := map[string]string{}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") || a == "-" || a == "--" {
			continue
		}
		name := strings.TrimLeft(a, "-")
		if k, v, ok := strings.Cut(name, "="); ok {
			flags[k] = v
			continue
		}
		if i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
			flags[name] = args[i+1]
			i++
			continue
		}
		flags[name] = "true"
	}
	return flags
}
