package osv

import (
	"slices"
	"strings"
)

// affects reports whether e affects the installed version under order o, and the first fixed
// version above it (empty when no range says one). installed must be valid under o.
func (e *entry) affects(o versionOrder, installed string) (affected bool, fixed string) {
	for _, v := range e.Versions {
		if v == installed || compareVersions(o, v, installed) == 0 {
			affected = true
			break
		}
	}
	for i := range e.Ranges {
		ro := o
		if e.Ranges[i].Semver {
			ro = goOrder{}
		}
		hit, fix := e.Ranges[i].affects(ro, installed)
		if hit {
			if !affected || fixed == "" || fix != "" && compareVersions(ro, fix, fixed) < 0 {
				fixed = fix
			}
			affected = true
		}
	}
	return affected, fixed
}

// affects evaluates one range as the OSV schema's algorithm does: events sorted by version
// ("0" introduced first), then walked in order, each introduced at or below the version
// opening the range, each fixed at or below it and each last_affected below it closing it.
// A limit at or below the version takes the whole range out. fixed is the first fixed event
// above the version.
func (r *vrange) affects(o versionOrder, v string) (affected bool, fixed string) {
	events := slices.Clone(r.Events)
	slices.SortStableFunc(events, func(a, b event) int { return compareEvent(o, a, b) })
	for _, ev := range events {
		if ev.Kind == evLimit && compareVersions(o, v, ev.Version) >= 0 {
			return false, ""
		}
	}
	for _, ev := range events {
		switch ev.Kind {
		case evIntroduced:
			if ev.Version == "0" || compareVersions(o, v, ev.Version) >= 0 {
				affected = true
			}
		case evFixed:
			if compareVersions(o, v, ev.Version) >= 0 {
				affected = false
			}
		case evLastAffected:
			if compareVersions(o, v, ev.Version) > 0 {
				affected = false
			}
		}
	}
	if !affected {
		return false, ""
	}
	for _, ev := range events {
		if ev.Kind == evFixed && compareVersions(o, ev.Version, v) > 0 {
			return true, ev.Version
		}
	}
	return true, ""
}

// compareEvent orders events by version, "0" introduced lowest; at one version an introduced
// event comes before the events closing a range.
func compareEvent(o versionOrder, a, b event) int {
	za, zb := a.Kind == evIntroduced && a.Version == "0", b.Kind == evIntroduced && b.Version == "0"
	switch {
	case za && zb:
		return 0
	case za:
		return -1
	case zb:
		return 1
	}
	if c := compareVersions(o, a.Version, b.Version); c != 0 {
		return c
	}
	return cmpInt(eventRank(a.Kind), eventRank(b.Kind))
}

func eventRank(kind string) int {
	if kind == evIntroduced {
		return 0
	}
	return 1
}

// splitEcosystem splits an OSV ecosystem into the base strata orders versions by and the
// release its records apply to, normalised so that a package's release compares equal:
// "Debian:12" → (Debian, 12), "Alpine:v3.19" → (Alpine, v3.19), "Ubuntu:22.04:LTS" →
// (Ubuntu, 22.04), "Ubuntu:Pro:20.04:LTS" → (Ubuntu:Pro, 20.04) — Ubuntu Pro fixes are not in
// the public archive, so they never match a public image — and "Go" → (Go, "").
func splitEcosystem(eco string) (base, release string) {
	base, release, _ = strings.Cut(eco, ":")
	if base == "Ubuntu" && release != "" {
		var quals, rel []string
		for _, p := range strings.Split(release, ":") {
			switch {
			case p == "LTS" || p == "":
			case p != "" && isDigit(p[0]):
				rel = append(rel, p)
			default:
				quals = append(quals, p)
			}
		}
		if len(quals) > 0 {
			base += ":" + strings.Join(quals, ":")
		}
		release = strings.Join(rel, ":")
	}
	return base, normalizeRelease(base, release)
}

// normalizeRelease writes a release the way OSV's ecosystem names do: Debian by its major
// version ("12.5" → "12"), Alpine as "v" and major.minor ("3.19.1" → "v3.19").
func normalizeRelease(base, release string) string {
	switch base {
	case "Debian":
		release, _, _ = strings.Cut(release, ".")
	case "Alpine":
		if release == "" {
			return ""
		}
		parts := strings.SplitN(strings.TrimPrefix(release, "v"), ".", 3)
		if len(parts) >= 2 {
			release = "v" + parts[0] + "." + parts[1]
		}
	}
	return release
}

// ecosystemKey is how the database names an ecosystem and release.
func ecosystemKey(base, release string) string {
	if release == "" {
		return base
	}
	return base + ":" + release
}

func packageKey(eco, name string) string { return eco + "\x00" + name }
