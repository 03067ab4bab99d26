package image

import (
	"archive/tar"
	"bytes"
	"context"
	"io"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

func FuzzDpkgStatus(f *testing.F) {
	f.Add([]byte(debianStatus), true)
	f.Add([]byte("Package: a\nVersion: 1\n\n\n\nPackage: b\n"), false)
	f.Add([]byte("Package:\nStatus: install ok installed\nSource: (x)\n"), true)
	f.Fuzz(func(t *testing.T, b []byte, require bool) {
		pkgs, _ := parseDpkgStatus(b, require)
		for _, p := range pkgs {
			if p.Name == "" || p.Version == "" {
				t.Fatalf("package without name or version: %+v", p)
			}
		}
	})
}

func FuzzApkInstalled(f *testing.F) {
	f.Add([]byte("P:musl\nV:1.2.4-r4\no:musl\n\nP:x\nV:1\n"))
	f.Add([]byte("P:\nV:\n\n\nZ:\n:"))
	f.Fuzz(func(t *testing.T, b []byte) {
		pkgs, _ := parseApkInstalled(b)
		for _, p := range pkgs {
			if p.Name == "" || p.Version == "" {
				t.Fatalf("package without name or version: %+v", p)
			}
		}
	})
}

func FuzzRPMHeader(f *testing.F) {
	f.Add(rpmHeaderBlob(map[uint32]string{rpmTagName: "bash", rpmTagVersion: "5.1", rpmTagRelease: "1", rpmTagSourceRPM: "bash-5.1-1.src.rpm"}, map[uint32]int32{rpmTagEpoch: 1}))
	f.Add([]byte{0x8e, 0xad, 0xe8, 0x01, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 3, 0xe8, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0, 1, 'a', 0, 0, 0})
	f.Add([]byte{0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := parseRPMHeader(b)
		if err == nil && (p.Name == "" || p.Version == "") {
			t.Fatalf("header accepted without name or version: %+v", p)
		}
	})
}

// nopVisitor reads every entry's content.
type nopVisitor struct{}

func (nopVisitor) visit(_ *tar.Header, _ string, _ int, r io.Reader) error {
	_, err := io.Copy(io.Discard, r)
	return err
}

// rawLayer serves bytes as a layer's uncompressed stream; the walk needs nothing else.
type rawLayer struct {
	v1.Layer
	data []byte
}

func (r rawLayer) Uncompressed() (io.ReadCloser, error) {
	return io.NopCloser(bytes.NewReader(r.data)), nil
}

// FuzzLayerWalk feeds arbitrary bytes as an uncompressed layer (and through the collector):
// an error or a result, never a panic.
func FuzzLayerWalk(f *testing.F) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, h := range []*tar.Header{
		{Name: "etc/os-release", Typeflag: tar.TypeReg, Size: 10, Mode: 0o644},
		{Name: "bin/sh", Typeflag: tar.TypeSymlink, Linkname: "../../../bin/sh"},
		{Name: "usr/.wh..wh..opq", Typeflag: tar.TypeReg},
		{Name: "var/lib/dpkg/status", Typeflag: tar.TypeReg, Size: 4, Mode: 0o4755},
	} {
		_ = tw.WriteHeader(h)
		_, _ = tw.Write(bytes.Repeat([]byte("I"), int(h.Size)))
	}
	_ = tw.Close()
	f.Add(buf.Bytes())
	f.Add([]byte("not a tar"))
	tmp := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		l := rawLayer{data: b}
		col := &collector{opts: Options{}.withDefaults(), tempDir: tmp}
		fl := newFlattener(1000, 1<<20)
		if fl.walk(context.Background(), []v1.Layer{l}, col) == nil {
			col.finish(fl)
			_ = col.packages(context.Background(), parseOSRelease(col.osRelease))
		}
		_ = newFlattener(1000, 1<<20).walk(context.Background(), []v1.Layer{l}, nopVisitor{})
	})
}
