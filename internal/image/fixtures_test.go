package image

import (
	"database/sql"
	"encoding/binary"
	"path/filepath"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/strata-sec/strata/internal/image/imagetest"
)

type F = imagetest.File

// testKey is a syntactically PEM private key; its body is not a real key.
const testKey = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAzZQ3TESTONLYnotARealKeyButShapedLikeOne0123456789\n-----END RSA PRIVATE KEY-----\n"

const debianStatus = `Package: libc6
Status: install ok installed
Priority: optional
Architecture: amd64
Source: glibc
Version: 2.36-9+deb12u4
Description: GNU C Library
 continuation line: with a colon

Package: openssl
Status: install ok installed
Architecture: amd64
Source: openssl (3.0.11-1~deb12u2)
Version: 3.0.11-1~deb12u2

Package: removed-tool
Status: deinstall ok config-files
Architecture: amd64
Version: 1.0-1

Package: tzdata
Status: install ok installed
Architecture: all
Version: 2024a-0+deb12u1
`

// debianImage is a two-layer Debian-like image with the usual problems; the second layer
// removes wget with a whiteout and hides /srv/keys with an opaque whiteout.
func debianImage(t testing.TB) v1.Image {
	base := imagetest.Layer(t, map[string]F{
		"/etc/os-release":               {Content: "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\nID=debian\n"},
		"/etc/passwd":                   {Content: "root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534::/nonexistent:/usr/sbin/nologin\n"},
		"/bin":                          {Dir: true},
		"/bin/dash":                     {Content: "dash", Mode: 0o755},
		"/bin/sh":                       {Link: "dash"},
		"/bin/bash":                     {Content: "bash", Mode: 0o755},
		"/usr/bin/apt":                  {Content: "apt", Mode: 0o755},
		"/usr/bin/apt-get":              {Content: "apt-get", Mode: 0o755},
		"/usr/bin/dpkg":                 {Content: "dpkg", Mode: 0o755},
		"/usr/bin/curl":                 {Content: "curl", Mode: 0o755},
		"/usr/bin/wget":                 {Content: "wget", Mode: 0o755},
		"/usr/bin/perl5.36.0":           {Content: "perl", Mode: 0o755},
		"/usr/bin/perl":                 {Link: "/usr/bin/perl5.36.0"},
		"/usr/local/bin/python3":        {Link: "python3.11"}, // dangling: not an interpreter
		"/usr/bin/passwd":               {Content: "passwd", Mode: 0o4755},
		"/usr/bin/wall":                 {Content: "wall", Mode: 0o2755, GID: 5},
		"/tmp":                          {Dir: true, Mode: 0o1777},
		"/var/uploads":                  {Dir: true, Mode: 0o777},
		"/root/.ssh/id_rsa":             {Content: testKey, Mode: 0o600},
		"/root/.ssh/id_rsa.pub":         {Content: "ssh-rsa AAAA test"},
		"/home/app/.docker/config.json": {Content: `{"auths":{"registry.example":{"auth":"dXNlcjpodW50ZXIy"}}}`},
		"/home/app/.npmrc":              {Content: "registry=https://registry.npmjs.org/\n"},
		"/srv/keys/server.key":          {Content: testKey},
		"/var/lib/dpkg/status":          {Content: debianStatus},
	})
	top := imagetest.Layer(t, map[string]F{
		"/usr/bin/.wh.wget":      {},
		"/srv/keys/.wh..wh..opq": {},
		"/srv/keys/readme":       {Content: "keys were removed"},
		"/app/index.html":        {Content: "<h1>shop</h1>"},
	})
	return imagetest.Image(t, v1.Config{
		User:         "",
		Env:          []string{"PATH=/usr/local/bin:/usr/bin:/bin", "PASSWORD=hunter2", "DB_PASSWORD_FILE=/run/secrets/db", "EMPTY_TOKEN="},
		ExposedPorts: map[string]struct{}{"8080/tcp": {}},
		Entrypoint:   []string{"/app/start"},
		WorkingDir:   "/app",
		Labels:       map[string]string{"org.opencontainers.image.source": "https://example.com/shop"},
	}, base, top)
}

func alpineImage(t testing.TB) v1.Image {
	l := imagetest.Layer(t, map[string]F{
		"/etc/os-release":       {Content: "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.19.1\n"},
		"/etc/passwd":           {Content: "root:x:0:0:root:/root:/bin/ash\napp:x:1000:1000::/home/app:/sbin/nologin\n"},
		"/bin/busybox":          {Content: "busybox", Mode: 0o755},
		"/bin/sh":               {Link: "/bin/busybox"},
		"/usr/bin/wget":         {Link: "/bin/busybox"},
		"/sbin/apk":             {Content: "apk", Mode: 0o755},
		"/lib/apk/db/installed": {Content: "C:Q1abc=\nP:musl\nV:1.2.4_git20230717-r4\nA:x86_64\no:musl\n\nC:Q1def=\nP:libcrypto3\nV:3.1.4-r5\nA:x86_64\no:openssl\n\n"},
	})
	return imagetest.Image(t, v1.Config{User: "app"}, l)
}

const goMain = `package main

import (
	"fmt"

	"golang.org/x/sync/errgroup"
)

func main() {
	var g errgroup.Group
	g.Go(func() error { fmt.Println("hello"); return nil })
	_ = g.Wait()
}
`

func distrolessImage(t testing.TB) v1.Image {
	bin := imagetest.GoBinary(t, goMain, "golang.org/x/sync@v0.24.0")
	l := imagetest.Layer(t, map[string]F{
		"/etc/os-release":                        {Content: "ID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n"},
		"/etc/passwd":                            {Content: "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n"},
		"/var/lib/dpkg/status.d/base-files":      {Content: "Package: base-files\nVersion: 12.4+deb12u5\nArchitecture: amd64\n"},
		"/var/lib/dpkg/status.d/libssl3":         {Content: "Package: libssl3\nSource: openssl\nVersion: 3.0.11-1~deb12u2\nArchitecture: amd64\n"},
		"/var/lib/dpkg/status.d/libssl3.md5sums": {Content: "0123  usr/lib/libssl.so.3\n"},
		"/app/server":                            {Content: string(bin), Mode: 0o755},
	})
	return imagetest.Image(t, v1.Config{User: "65532", Entrypoint: []string{"/app/server"}}, l)
}

// rpmHeaderBlob encodes an rpm database header blob with string and int32 tags.
func rpmHeaderBlob(strs map[uint32]string, ints map[uint32]int32) []byte {
	type entry struct{ tag, typ, off, cnt uint32 }
	var idx []entry
	var data []byte
	for _, tag := range []uint32{rpmTagName, rpmTagVersion, rpmTagRelease, rpmTagArch, rpmTagSourceRPM} {
		if s, ok := strs[tag]; ok {
			idx = append(idx, entry{tag, rpmTypeString, uint32(len(data)), 1})
			data = append(append(data, s...), 0)
		}
	}
	for tag, v := range ints {
		for len(data)%4 != 0 {
			data = append(data, 0)
		}
		idx = append(idx, entry{tag, rpmTypeInt32, uint32(len(data)), 1})
		data = binary.BigEndian.AppendUint32(data, uint32(v))
	}
	out := binary.BigEndian.AppendUint32(nil, uint32(len(idx)))
	out = binary.BigEndian.AppendUint32(out, uint32(len(data)))
	for _, e := range idx {
		out = binary.BigEndian.AppendUint32(out, e.tag)
		out = binary.BigEndian.AppendUint32(out, e.typ)
		out = binary.BigEndian.AppendUint32(out, e.off)
		out = binary.BigEndian.AppendUint32(out, e.cnt)
	}
	return append(out, data...)
}

// rpmDB writes a real rpmdb.sqlite with the Packages table rpm creates and returns its bytes.
func rpmDB(t testing.TB, blobs ...[]byte) []byte {
	file := filepath.Join(t.TempDir(), "rpmdb.sqlite")
	db, err := sql.Open("sqlite", file)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for _, b := range blobs {
		if _, err := db.Exec(`INSERT INTO Packages (blob) VALUES (?)`, b); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return readFile(t, file)
}

func rpmImage(t testing.TB) v1.Image {
	db := rpmDB(t,
		rpmHeaderBlob(map[uint32]string{rpmTagName: "openssl-libs", rpmTagVersion: "3.0.7", rpmTagRelease: "27.el9",
			rpmTagArch: "x86_64", rpmTagSourceRPM: "openssl-3.0.7-27.el9.src.rpm"}, map[uint32]int32{rpmTagEpoch: 1}),
		rpmHeaderBlob(map[uint32]string{rpmTagName: "bash", rpmTagVersion: "5.1.8", rpmTagRelease: "9.el9",
			rpmTagArch: "x86_64", rpmTagSourceRPM: "bash-5.1.8-9.el9.src.rpm"}, nil),
		rpmHeaderBlob(map[uint32]string{rpmTagName: "gpg-pubkey", rpmTagVersion: "fd431d51", rpmTagRelease: "4ae0493b"}, nil),
	)
	l := imagetest.Layer(t, map[string]F{
		"/etc/os-release":           {Content: "ID=\"rhel\"\nVERSION_ID=\"9.3\"\n"},
		"/usr/bin/bash":             {Content: "bash", Mode: 0o755},
		"/usr/bin/microdnf":         {Content: "microdnf", Mode: 0o755},
		"/var/lib/rpm/rpmdb.sqlite": {Content: string(db)},
	})
	return imagetest.Image(t, v1.Config{User: "1001:0"}, l)
}
