package main

import (
	"fmt"
	"strings"
)

// images are the crafted stand-ins, in the order the layout's index lists them. Vulnerable
// images carry what the container checks look for: shells, package managers and network
// tools, setuid files, root or unset USER, credential-looking ENV, a private key, and package
// versions with known advisories. Hardened images are distroless-like: no shell, no package
// manager, a numeric non-root USER, and current package versions. The hardened references are
// pinned by the digests of these images (gen's test keeps examples/hardened in step).
func images() []spec {
	return []spec{
		// examples/vulnerable/web.yaml
		{
			refs: []string{"shopco/web:latest"},
			env:  []string{"PATH=/usr/local/bin:/usr/bin:/bin", "NODE_ENV=production", "DB_PASSWORD=changeme-example", "API_TOKEN=example-not-a-token"},
			cmd:  []string{"node", "/app/server.js"}, ports: []string{"8080/tcp"}, workdir: "/app",
			layers: [][]file{debianBase("12", "bookworm", vulnerableDebianPkgs), {
				tool("/usr/bin/curl"), tool("/usr/bin/wget"), tool("/usr/bin/node"), tool("/usr/bin/npm"),
				{path: "/usr/bin/passwd", mode: 0o4755, body: "stand-in for passwd\n"},
				{path: "/usr/bin/chage", mode: 0o2755, body: "stand-in for chage\n"},
				{path: "/app/server.js", body: "require('http').createServer().listen(8080)\n"},
				{path: "/app/uploads", dir: true, mode: 0o777},
				{path: "/root/.ssh/id_ed25519", mode: 0o600, body: "-----BEGIN OPENSSH PRIVATE KEY-----\nEXAMPLE-NOT-A-REAL-KEY\n-----END OPENSSH PRIVATE KEY-----\n"},
			}},
		},
		// examples/vulnerable/database.yaml
		{
			refs:       []string{"postgres:16"},
			env:        []string{"PATH=/usr/lib/postgresql/16/bin:/usr/bin:/bin", "PGDATA=/var/lib/postgresql/data"},
			entrypoint: []string{"docker-entrypoint.sh"}, cmd: []string{"postgres"}, ports: []string{"5432/tcp"},
			layers: [][]file{debianBase("12", "bookworm", append(vulnerableDebianPkgs, dpkg{"postgresql-16", "16.4-1.pgdg120+1", "postgresql-16"})), {
				{path: "/usr/lib/postgresql/16/bin/postgres", mode: 0o755, body: "stand-in for postgres\n"},
				{path: "/usr/local/bin/docker-entrypoint.sh", mode: 0o755, body: "#!/bin/bash\nexec \"$@\"\n"},
				{path: "/usr/local/bin/gosu", mode: 0o4755, body: "stand-in for gosu\n"},
				passwdFile("postgres:x:999:999::/var/lib/postgresql:/bin/bash"),
			}},
		},
		// examples/vulnerable/log-collector.yaml
		{
			refs: []string{"fluent/fluentd:v1.17"},
			user: "fluent", env: []string{"PATH=/usr/bin:/bin"},
			cmd: []string{"fluentd", "-c", "/fluentd/etc/fluent.conf"}, ports: []string{"24224/tcp"},
			layers: [][]file{alpineBase("3.19.4", vulnerableAlpinePkgs), {
				tool("/usr/bin/ruby"), tool("/usr/bin/gem"),
				{path: "/usr/bin/fluentd", mode: 0o755, body: "#!/usr/bin/ruby\n"},
				passwdFile("fluent:x:100:101:fluent:/home/fluent:/bin/sh"),
			}},
		},
		// examples/vulnerable/debug.yaml
		{
			refs: []string{"nicolaka/netshoot"},
			cmd:  []string{"zsh"},
			layers: [][]file{alpineBase("3.20.3", vulnerableAlpinePkgs), {
				tool("/bin/bash"), tool("/bin/zsh"), tool("/usr/bin/curl"), tool("/usr/bin/nc"),
				tool("/usr/bin/socat"), tool("/usr/bin/nmap"), tool("/usr/bin/tcpdump"), tool("/usr/bin/ssh"),
				tool("/usr/bin/python3"),
			}},
		},
		// examples/vulnerable/migrate.yaml
		{
			refs:       []string{"docker.io/flyway/flyway:10"},
			env:        []string{"PATH=/flyway:/opt/java/openjdk/bin:/usr/bin:/bin", "FLYWAY_PASSWORD=example-password"},
			entrypoint: []string{"flyway"}, workdir: "/flyway",
			layers: [][]file{debianBase("12", "bookworm", vulnerableDebianPkgs), {
				{path: "/opt/java/openjdk/bin/java", mode: 0o755, body: "stand-in for java\n"},
				{path: "/flyway/flyway", mode: 0o755, body: "#!/bin/bash\n"},
				tool("/usr/bin/wget"),
			}},
		},
		// examples/vulnerable/backup.yaml
		{
			refs:   []string{"alpine:3.20"},
			cmd:    []string{"/bin/sh"},
			layers: [][]file{alpineBase("3.20.3", vulnerableAlpinePkgs)},
		},
		// examples/hardened: distroless-like images, one per workload.
		distroless("registry.example.com/shop/web:2.14.1", "/app/web"),
		distroless("registry.example.com/shop/postgres:16.4", "/usr/lib/postgresql/16/bin/postgres"),
		distroless("registry.example.com/shop/migrations:2024.11.3", "/app/migrate"),
		distroless("registry.example.com/shop/backup:1.3.0", "/app/backup"),
		distroless("registry.example.com/mirror/prometheus/node-exporter:v1.8.2", "/bin/node_exporter"),
	}
}

// dpkg is one installed Debian package.
type dpkg struct{ name, version, source string }

// Package versions with advisories in the OSV test records of internal/vulndb/osv/testdata
// (openssl, zlib and bash on Debian 12, busybox and openssl on Alpine 3.19), so a scan with
// that database imported reports them.
var (
	vulnerableDebianPkgs = []dpkg{
		{"base-files", "12.4+deb12u5", ""},
		{"bash", "5.2.15-2+b2", ""},
		{"dash", "0.5.12-2", ""},
		{"libssl3", "3.0.11-1~deb12u1", "openssl"},
		{"openssl", "3.0.11-1~deb12u1", ""},
		{"zlib1g", "1:1.2.13.dfsg-1", "zlib"},
		{"curl", "7.88.1-10+deb12u4", ""},
		{"libcurl4", "7.88.1-10+deb12u4", "curl"},
		{"apt", "2.6.1", ""},
		{"dpkg", "1.21.22", ""},
	}
	vulnerableAlpinePkgs = []apk{
		{"musl", "1.2.4-r2", "musl"},
		{"busybox", "1.36.1-r15", "busybox"},
		{"libcrypto3", "3.1.4-r0", "openssl"},
		{"libssl3", "3.1.4-r0", "openssl"},
		{"apk-tools", "2.14.0-r5", "apk-tools"},
	}
	currentDebianPkgs = []dpkg{
		{"base-files", "12.4+deb12u8", ""},
		{"netbase", "6.4", ""},
		{"tzdata", "2024b-0+deb12u1", ""},
	}
)

// apk is one installed Alpine package.
type apk struct{ name, version, origin string }

func tool(p string) file {
	name := p[strings.LastIndex(p, "/")+1:]
	return file{path: p, mode: 0o755, body: "stand-in for " + name + "\n"}
}

func passwdFile(extra ...string) file {
	lines := append([]string{"root:x:0:0:root:/root:/bin/sh"}, extra...)
	return file{path: "/etc/passwd", body: strings.Join(lines, "\n") + "\n"}
}

func osRelease(id, name, version, codename string) file {
	body := fmt.Sprintf("PRETTY_NAME=%q\nNAME=%q\nID=%s\nVERSION_ID=%q\n", name+" "+version, name, id, version)
	if codename != "" {
		body += "VERSION_CODENAME=" + codename + "\n"
	}
	return file{path: "/etc/os-release", body: body}
}

// debianBase is a Debian layer: shells, apt and dpkg, and a dpkg status database.
func debianBase(version, codename string, pkgs []dpkg) []file {
	var status strings.Builder
	for _, p := range pkgs {
		fmt.Fprintf(&status, "Package: %s\nStatus: install ok installed\nArchitecture: amd64\nVersion: %s\n", p.name, p.version)
		if p.source != "" {
			fmt.Fprintf(&status, "Source: %s\n", p.source)
		}
		fmt.Fprintf(&status, "Description: %s (strata example)\n\n", p.name)
	}
	return []file{
		osRelease("debian", "Debian GNU/Linux", version, codename),
		passwdFile("nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin"),
		{path: "/etc/group", body: "root:x:0:\nnogroup:x:65534:\n"},
		tool("/bin/bash"), tool("/bin/dash"), {path: "/bin/sh", link: "dash"},
		tool("/usr/bin/apt"), tool("/usr/bin/apt-get"), tool("/usr/bin/dpkg"),
		{path: "/bin/su", mode: 0o4755, body: "stand-in for su\n"},
		{path: "/tmp", dir: true, mode: 0o1777},
		{path: "/var/lib/dpkg/status", body: status.String()},
	}
}

// alpineBase is an Alpine layer: busybox as sh, apk, and an apk database.
func alpineBase(version string, pkgs []apk) []file {
	var db strings.Builder
	for _, p := range pkgs {
		fmt.Fprintf(&db, "P:%s\nV:%s\nA:x86_64\no:%s\nT:%s (strata example)\n\n", p.name, p.version, p.origin, p.name)
	}
	major := version[:strings.LastIndex(version, ".")]
	return []file{
		osRelease("alpine", "Alpine Linux", version, ""),
		passwdFile("nobody:x:65534:65534:nobody:/:/sbin/nologin"),
		tool("/bin/busybox"), {path: "/bin/sh", link: "/bin/busybox"},
		tool("/sbin/apk"),
		{path: "/bin/busybox-suid", mode: 0o4755, body: "stand-in for busybox-suid\n"},
		{path: "/tmp", dir: true, mode: 0o1777},
		{path: "/etc/alpine-release", body: version + "\n"},
		{path: "/etc/apk/repositories", body: "https://dl-cdn.alpinelinux.org/alpine/v" + major + "/main\n"},
		{path: "/lib/apk/db/installed", body: db.String()},
	}
}

// distroless is a hardened image: one binary, no shell or package manager, a numeric
// non-root USER, and dpkg status.d entries as distroless images keep them.
func distroless(ref, binary string) spec {
	files := []file{
		osRelease("debian", "Distroless", "12", "bookworm"),
		passwdFile("nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin", "app:x:10001:10001:app:/home/app:/sbin/nologin"),
		{path: "/etc/group", body: "root:x:0:\nnonroot:x:65532:\napp:x:10001:\n"},
		{path: "/home/app", dir: true, uid: 10001},
		{path: binary, mode: 0o755, body: "stand-in for " + ref + "\n"},
	}
	for _, p := range currentDebianPkgs {
		files = append(files, file{path: "/var/lib/dpkg/status.d/" + p.name,
			body: fmt.Sprintf("Package: %s\nArchitecture: amd64\nVersion: %s\nDescription: %s (strata example)\n", p.name, p.version, p.name)})
	}
	return spec{refs: []string{ref}, pin: true, user: "10001:10001", entrypoint: []string{binary}, layers: [][]file{files}}
}
