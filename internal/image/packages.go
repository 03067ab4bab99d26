package image

import (
	"context"
	"debug/buildinfo"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/strata-sec/strata/internal/imagefacts"
)

// packages turns the package databases the walk collected into Packages named per OSV.
func (c *collector) packages(ctx context.Context, os imagefacts.OS) []imagefacts.Package {
	var out []imagefacts.Package
	if c.dpkgStatus != nil {
		pkgs, err := parseDpkgStatus(c.dpkgStatus, true)
		if err != nil {
			c.pkgErr("/var/lib/dpkg/status: %v", err)
		}
		out = append(out, osPackages(pkgs, "dpkg", os, "/var/lib/dpkg/status")...)
	}
	names := make([]string, 0, len(c.statusD))
	for p := range c.statusD {
		names = append(names, p)
	}
	sort.Strings(names)
	for _, p := range names {
		pkgs, err := parseDpkgStatus(c.statusD[p], false)
		if err != nil {
			c.pkgErr("%s: %v", p, err)
		}
		out = append(out, osPackages(pkgs, "dpkg", os, p)...)
	}
	if c.apkInstalled != nil {
		pkgs, err := parseApkInstalled(c.apkInstalled)
		if err != nil {
			c.pkgErr("/lib/apk/db/installed: %v", err)
		}
		out = append(out, osPackages(pkgs, "apk", os, "/lib/apk/db/installed")...)
	}
	for _, s := range c.rpmSQLite {
		pkgs, err := readRPMSQLite(ctx, s.tmp)
		if err != nil {
			c.pkgErr("rpm database %s: %v", s.path, err)
		}
		out = append(out, osPackages(pkgs, "rpm", os, s.path)...)
	}
	out = append(out, c.goPkgs...)
	return out
}

func osPackages(pkgs []osPkg, manager string, os imagefacts.OS, dbPath string) []imagefacts.Package {
	eco, distro := ecosystem(os, manager)
	out := make([]imagefacts.Package, 0, len(pkgs))
	for _, p := range pkgs {
		ver := p.Version
		if manager == "rpm" {
			ver = p.Version + "-" + p.Release
			if p.Release == "" {
				ver = p.Version
			}
			if p.Epoch > 0 {
				ver = strconv.Itoa(p.Epoch) + ":" + ver
			}
		}
		out = append(out, imagefacts.Package{
			Ecosystem: eco, Distro: distro, Name: p.Name, Version: ver, Source: p.Source,
			Path: dbPath, PURL: osPURL(manager, os, p, ver),
		})
	}
	return out
}

// osPURL builds the package URL: pkg:deb/debian/NAME@VER?arch=..&distro=debian-12,
// pkg:apk/alpine/NAME@VER?distro=alpine-3.19.1, pkg:rpm/<os id>/NAME@VER?distro=<id>-<ver>.
func osPURL(manager string, os imagefacts.OS, p osPkg, ver string) string {
	typ := map[string]string{"dpkg": "deb", "apk": "apk", "rpm": "rpm"}[manager]
	ns := os.ID
	if ns == "" {
		ns = map[string]string{"dpkg": "debian", "apk": "alpine", "rpm": "rpm"}[manager]
	}
	q := url.Values{}
	if p.Arch != "" {
		q.Set("arch", p.Arch)
	}
	if os.ID != "" && os.VersionID != "" {
		q.Set("distro", os.ID+"-"+os.VersionID)
	}
	if manager == "rpm" && p.Epoch > 0 {
		q.Set("epoch", strconv.Itoa(p.Epoch))
		ver = strings.TrimPrefix(ver, strconv.Itoa(p.Epoch)+":")
	}
	s := "pkg:" + typ + "/" + purlEscape(ns) + "/" + purlEscape(p.Name) + "@" + purlEscape(ver)
	if len(q) > 0 {
		s += "?" + q.Encode()
	}
	return s
}

// purlEscape percent-encodes a PURL segment (':' and '/' included, as the spec asks).
func purlEscape(s string) string {
	return strings.ReplaceAll(url.PathEscape(s), ":", "%3A")
}

// goPackages reads the Go build information of a spooled binary: the main module when it has a
// version, its dependencies (replacements applied) and the standard library as "stdlib".
// Versions keep Go's "v" prefix ("v1.2.3"; the standard library "v1.22.1"). A file that is not
// a Go binary gives nothing.
func goPackages(file, imagePath string) []imagefacts.Package {
	bi, err := buildinfo.ReadFile(file)
	if err != nil {
		return nil
	}
	var out []imagefacts.Package
	add := func(mod, ver string) {
		if mod == "" || ver == "" || ver == "(devel)" {
			return
		}
		out = append(out, imagefacts.Package{
			Ecosystem: imagefacts.EcosystemGo, Name: mod, Version: ver, Path: imagePath,
			PURL: "pkg:golang/" + strings.ReplaceAll(url.PathEscape(mod), "%2F", "/") + "@" + purlEscape(ver),
		})
	}
	if gv, _, _ := strings.Cut(bi.GoVersion, " "); strings.HasPrefix(gv, "go") {
		add("stdlib", "v"+strings.TrimPrefix(gv, "go"))
	}
	add(bi.Main.Path, bi.Main.Version)
	for _, d := range bi.Deps {
		if d.Replace != nil {
			d = d.Replace
		}
		add(d.Path, d.Version)
	}
	return out
}
