package image

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/strata-sec/strata/internal/imagefacts"
)

// Bounds of the content scan for keys and credentials.
const (
	maxSecretFileBytes   = 64 << 10
	maxSecretScanBytes   = 128 << 20
	maxSmallFileBytes    = 1 << 20 // os-release, passwd, one status.d entry
	maxStatusDBytes      = 64 << 20
	maxNotableFiles      = 100_000
	maxPackageErrorCount = 100
)

// rpmDatabases are where rpm keeps its database; only the SQLite one can be read.
var rpmDatabases = map[string]string{
	"/var/lib/rpm/rpmdb.sqlite":          "sqlite",
	"/usr/lib/sysimage/rpm/rpmdb.sqlite": "sqlite",
	"/var/lib/rpm/Packages":              "bdb",
	"/usr/lib/sysimage/rpm/Packages":     "bdb",
	"/var/lib/rpm/Packages.db":           "ndb",
	"/usr/lib/sysimage/rpm/Packages.db":  "ndb",
}

// spooled is a file copied out of the image: where it is now and where it was.
type spooled struct{ tmp, path string }

// collector gathers facts from the visible entries of one image.
type collector struct {
	opts    Options
	tempDir string

	files     []imagefacts.File
	toolLinks []imagefacts.File // symlinks named like tools, checked once the walk is done

	osRelease, usrOSRelease, passwd []byte
	dpkgStatus                      []byte
	statusD                         map[string][]byte
	statusDBytes                    int64
	apkInstalled                    []byte
	rpmSQLite                       []spooled
	goPkgs                          []imagefacts.Package
	pkgErrs                         []string
	scanned                         int64
	tooManyFiles                    bool
}

func (c *collector) addFile(f imagefacts.File) {
	if len(c.files) >= maxNotableFiles {
		c.tooManyFiles = true
		return
	}
	c.files = append(c.files, f)
}

func (c *collector) pkgErr(format string, args ...any) {
	if len(c.pkgErrs) < maxPackageErrorCount {
		c.pkgErrs = append(c.pkgErrs, fmt.Sprintf(format, args...))
	}
}

func fileOf(hdr *tar.Header, p, category, name string, layer int) imagefacts.File {
	return imagefacts.File{
		Path: p, Category: category, Name: name,
		Mode: fmt.Sprintf("%04o", hdr.Mode&0o7777),
		UID:  hdr.Uid, GID: hdr.Gid, Layer: layer,
	}
}

func (c *collector) visit(hdr *tar.Header, p string, layer int, r io.Reader) error {
	dir, base := path.Split(p)
	dir = path.Clean(dir)
	mode := hdr.FileInfo().Mode()
	switch hdr.Typeflag {
	case tar.TypeDir:
		if mode.Perm()&0o002 != 0 && mode&fs.ModeSticky == 0 {
			c.addFile(fileOf(hdr, p, imagefacts.FileWorldWritable, "", layer))
		}
		return nil
	case tar.TypeSymlink:
		if toolDirs[dir] && toolCategory(base) != "" {
			c.toolLinks = append(c.toolLinks, fileOf(hdr, p, toolCategory(base), base, layer))
		}
		return nil
	case tar.TypeReg, tar.TypeLink, tar.TypeGNUSparse, '\x00':
	default:
		return nil
	}
	if mode&fs.ModeSetuid != 0 {
		c.addFile(fileOf(hdr, p, imagefacts.FileSetuid, base, layer))
	}
	if mode&fs.ModeSetgid != 0 {
		c.addFile(fileOf(hdr, p, imagefacts.FileSetgid, base, layer))
	}
	if toolDirs[dir] {
		if cat := toolCategory(base); cat != "" {
			c.addFile(fileOf(hdr, p, cat, base, layer))
		}
	}
	if hdr.Typeflag == tar.TypeLink {
		return nil // a hard link has no content of its own
	}
	return c.content(hdr, p, dir, base, layer, r)
}

// content reads the entry when it is a file strata parses or inspects; at most one reader
// consumes it.
func (c *collector) content(hdr *tar.Header, p, dir, base string, layer int, r io.Reader) error {
	var err error
	switch {
	case p == "/etc/os-release":
		c.osRelease, err = c.small(p, r, maxSmallFileBytes)
	case p == "/usr/lib/os-release":
		c.usrOSRelease, err = c.small(p, r, maxSmallFileBytes)
	case p == "/etc/passwd":
		c.passwd, err = c.small(p, r, maxSmallFileBytes)
	case p == "/var/lib/dpkg/status":
		c.dpkgStatus, err = c.small(p, r, c.opts.MaxFileBytes)
	case dir == "/var/lib/dpkg/status.d":
		return c.readStatusD(p, base, r)
	case p == "/lib/apk/db/installed":
		c.apkInstalled, err = c.small(p, r, c.opts.MaxFileBytes)
	case rpmDatabases[p] != "":
		return c.readRPM(p, r, hdr.Size)
	case hdr.Size > 0 && hdr.Size <= maxSecretFileBytes && secretCandidate(p, base):
		return c.scanSecret(hdr, p, base, layer, r)
	case hdr.Mode&0o111 != 0 && hdr.Size >= 64 && hdr.Size <= c.opts.MaxGoBinaryBytes:
		return c.inspectBinary(p, r, hdr.Size)
	}
	return err
}

// small reads a whole file of at most limit bytes; a larger one is a package error and nil.
func (c *collector) small(p string, r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		c.pkgErr("%s: larger than %d bytes, not read", p, limit)
		return nil, nil
	}
	return b, nil
}

func (c *collector) readStatusD(p, base string, r io.Reader) error {
	if strings.HasSuffix(base, ".md5sums") || strings.HasPrefix(base, ".") {
		return nil
	}
	b, err := c.small(p, r, maxSmallFileBytes)
	if err != nil || b == nil {
		return err
	}
	c.statusDBytes += int64(len(b))
	if c.statusDBytes > maxStatusDBytes {
		c.pkgErr("/var/lib/dpkg/status.d: more than %d bytes, the rest not read", maxStatusDBytes)
		return nil
	}
	if c.statusD == nil {
		c.statusD = map[string][]byte{}
	}
	c.statusD[p] = b
	return nil
}

func (c *collector) readRPM(p string, r io.Reader, size int64) error {
	if rpmDatabases[p] != "sqlite" {
		c.pkgErr("rpm database not supported: %s (%s format; only rpmdb.sqlite is read)", p, rpmDatabases[p])
		return nil
	}
	if size > c.opts.MaxSpoolBytes {
		c.pkgErr("%s: larger than %d bytes, not read", p, c.opts.MaxSpoolBytes)
		return nil
	}
	f, err := os.CreateTemp(c.tempDir, "rpmdb-*.sqlite")
	if err != nil {
		return fmt.Errorf("spool %s: %w", p, err)
	}
	_, err = io.Copy(f, io.LimitReader(r, size))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("spool %s: %w", p, err)
	}
	c.rpmSQLite = append(c.rpmSQLite, spooled{tmp: f.Name(), path: p})
	return nil
}

// scanSecret reads a small file and records private keys and credential files, never their
// content.
func (c *collector) scanSecret(hdr *tar.Header, p, base string, layer int, r io.Reader) error {
	if c.scanned+hdr.Size > maxSecretScanBytes {
		return nil
	}
	c.scanned += hdr.Size
	b, err := io.ReadAll(io.LimitReader(r, maxSecretFileBytes))
	if err != nil {
		return err
	}
	if kind := privateKeyKind(b); kind != "" {
		c.addFile(fileOf(hdr, p, imagefacts.FilePrivateKey, kind, layer))
	}
	if what := credentialKind(p, base, b); what != "" {
		c.addFile(fileOf(hdr, p, imagefacts.FileCredential, what, layer))
	}
	return nil
}

var elfMagic = []byte{0x7f, 'E', 'L', 'F'}

// inspectBinary spools an ELF executable to a temporary file, reads its Go build information
// and removes it.
func (c *collector) inspectBinary(p string, r io.Reader, size int64) error {
	head := make([]byte, 4)
	if _, err := io.ReadFull(r, head); err != nil {
		return err
	}
	if !bytes.Equal(head, elfMagic) {
		return nil
	}
	f, err := os.CreateTemp(c.tempDir, "bin-*")
	if err != nil {
		return fmt.Errorf("spool %s: %w", p, err)
	}
	defer os.Remove(f.Name())
	_, err = f.Write(head)
	if err == nil {
		_, err = io.Copy(f, io.LimitReader(r, size-4))
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("spool %s: %w", p, err)
	}
	c.goPkgs = append(c.goPkgs, goPackages(f.Name(), p)...)
	return nil
}

// finish resolves tool symlinks once every layer is read: a link counts only when it leads to
// a file that exists (/bin/sh -> busybox).
func (c *collector) finish(fl *flattener) {
	for _, l := range c.toolLinks {
		if _, kind := fl.resolve(l.Path); kind == kindFile {
			c.addFile(l)
		}
	}
	if c.tooManyFiles {
		c.pkgErr("more than %d notable files; the list is incomplete", maxNotableFiles)
	}
}
