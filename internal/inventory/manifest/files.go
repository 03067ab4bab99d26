package manifest

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/strata-sec/strata/internal/posture"
)

// isManifest reports whether a file found in a directory is read.
func isManifest(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}

// expand lists the files a path stands for. Directories are walked recursively, following
// symbolic links (Kubernetes mounts ConfigMaps as links) but entering each real directory and
// reading each real file once, so a link loop ends instead of hanging. seen holds the real paths
// already listed by earlier paths.
func expand(p string, seen map[string]bool) ([]string, []posture.InputError) {
	info, err := os.Stat(p)
	if err != nil {
		return nil, []posture.InputError{{File: p, Message: fmt.Sprintf("cannot read: %v", unwrapPath(err))}}
	}
	if !info.IsDir() {
		if markSeen(p, seen) {
			return []string{p}, nil
		}
		return nil, nil
	}
	var files []string
	var errs []posture.InputError
	walkDir(p, seen, &files, &errs)
	sort.Strings(files)
	return files, errs
}

func walkDir(dir string, seen map[string]bool, files *[]string, errs *[]posture.InputError) {
	if !markSeen(dir, seen) {
		return
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		*errs = append(*errs, posture.InputError{File: dir, Message: fmt.Sprintf("cannot read directory: %v", unwrapPath(err))})
	}
	if isImageLayout(entries) {
		return
	}
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		isDir := e.IsDir()
		if e.Type()&os.ModeSymlink != 0 {
			info, err := os.Stat(path)
			if err != nil {
				if isManifest(path) {
					*errs = append(*errs, posture.InputError{File: path, Message: fmt.Sprintf("cannot read: %v", unwrapPath(err))})
				}
				continue
			}
			isDir = info.IsDir()
		}
		switch {
		case isDir:
			walkDir(path, seen, files, errs)
		case isManifest(path) && markSeen(path, seen):
			*files = append(*files, path)
		}
	}
}

// isImageLayout reports whether a directory found while walking is an OCI image layout (it
// holds the oci-layout marker file): its index.json and blobs are image data for
// --image-layout, not manifests. A file inside one named on the command line is still read.
func isImageLayout(entries []os.DirEntry) bool {
	for _, e := range entries {
		if e.Name() == "oci-layout" && e.Type().IsRegular() {
			return true
		}
	}
	return false
}

// markSeen records the real path behind p and reports whether it is new.
func markSeen(p string, seen map[string]bool) bool {
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		real = p
	}
	if abs, err := filepath.Abs(real); err == nil {
		real = abs
	}
	if seen[real] {
		return false
	}
	seen[real] = true
	return true
}

// unwrapPath drops the path from an *os.PathError, which the input error already names.
func unwrapPath(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

func readFile(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read: %w", unwrapPath(err))
	}
	defer f.Close()
	return readCapped(f, limit)
}

func readCapped(r io.Reader, limit int64) ([]byte, error) {
	if r == nil {
		return nil, fmt.Errorf("no standard input to read")
	}
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read: %w", unwrapPath(err))
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("file is larger than the %d-byte limit (see --max-file-size)", limit)
	}
	return data, nil
}
