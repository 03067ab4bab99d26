package image

import (
	"bytes"
	"fmt"
	"strings"
)

// maxPackages bounds the entries one package database may yield.
const maxPackages = 200_000

// osPkg is a package as its database states it, before ecosystem naming.
type osPkg struct {
	Name, Version, Source, Arch string
	// Release and Epoch are rpm's; Version alone is the full version for dpkg and apk.
	Release string
	Epoch   int
}

// parseDpkgStatus parses a dpkg status file (or a status.d entry: requireStatus false, since
// distroless entries carry no Status field) and returns the installed packages. Paragraphs are
// separated by blank lines; continuation lines start with white space.
func parseDpkgStatus(b []byte, requireStatus bool) ([]osPkg, error) {
	var out []osPkg
	for len(b) > 0 {
		var para []byte
		if i := bytes.Index(b, []byte("\n\n")); i >= 0 {
			para, b = b[:i], b[i+2:]
		} else {
			para, b = b, nil
		}
		fields := controlFields(para)
		if len(fields) == 0 {
			continue
		}
		name, ver := fields["Package"], fields["Version"]
		if name == "" {
			return out, fmt.Errorf("paragraph without Package field")
		}
		if st, ok := fields["Status"]; ok || requireStatus {
			if f := strings.Fields(st); len(f) != 3 || f[2] != "installed" {
				continue
			}
		}
		if ver == "" {
			return out, fmt.Errorf("package %s has no Version", name)
		}
		src, _, _ := strings.Cut(fields["Source"], " ")
		if src == "" {
			src = name
		}
		if len(out) >= maxPackages {
			return out, fmt.Errorf("more than %d packages", maxPackages)
		}
		out = append(out, osPkg{Name: name, Version: ver, Source: src, Arch: fields["Architecture"]})
	}
	return out, nil
}

// controlFields reads the single-line fields of a Debian control paragraph that strata uses.
func controlFields(para []byte) map[string]string {
	fields := map[string]string{}
	for _, line := range bytes.Split(para, []byte("\n")) {
		if len(line) == 0 || line[0] == ' ' || line[0] == '\t' || line[0] == '#' {
			continue
		}
		k, v, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			continue
		}
		switch key := string(k); key {
		case "Package", "Version", "Source", "Status", "Architecture":
			fields[key] = strings.TrimSpace(string(v))
		}
	}
	return fields
}

// parseApkInstalled parses Alpine's /lib/apk/db/installed: P: name, V: version, o: origin.
func parseApkInstalled(b []byte) ([]osPkg, error) {
	var out []osPkg
	var cur osPkg
	flush := func() error {
		if cur.Name == "" && cur.Version == "" {
			return nil
		}
		if cur.Name == "" || cur.Version == "" {
			return fmt.Errorf("entry without P: or V: (package %q)", cur.Name)
		}
		if cur.Source == "" {
			cur.Source = cur.Name
		}
		if len(out) >= maxPackages {
			return fmt.Errorf("more than %d packages", maxPackages)
		}
		out = append(out, cur)
		cur = osPkg{}
		return nil
	}
	for _, line := range bytes.Split(b, []byte("\n")) {
		line = bytes.TrimRight(line, "\r")
		if len(line) == 0 {
			if err := flush(); err != nil {
				return out, err
			}
			continue
		}
		if len(line) < 2 || line[1] != ':' {
			continue
		}
		v := string(line[2:])
		switch line[0] {
		case 'P':
			cur.Name = v
		case 'V':
			cur.Version = v
		case 'o':
			cur.Source = v
		case 'A':
			cur.Arch = v
		}
	}
	return out, flush()
}
