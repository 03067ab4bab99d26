package synth

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// WriteFiles writes the documents of Generate into n files in dir (created if missing), named
// synth-000.yaml and up. Each file holds a contiguous run of about the same number of
// documents, so the files read in name order equal the single-stream output. It returns the
// paths written.
func WriteFiles(dir string, n int, opts Options) ([]string, error) {
	if n < 1 || n > 1000 {
		return nil, fmt.Errorf("file count must be 1 to 1000 (got %d)", n)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	s := &splitter{dir: dir, n: n, total: max(opts.Workloads+opts.Others, 1), current: -1}
	err := Emit(opts, s.write)
	return s.paths, errors.Join(err, s.close())
}

// splitter routes documents to files in order.
type splitter struct {
	dir             string
	n, total, index int
	current, inFile int
	f               *os.File
	bw              *bufio.Writer
	paths           []string
}

func (s *splitter) write(doc []byte) error {
	target := s.index * s.n / s.total
	s.index++
	if target != s.current {
		if err := s.close(); err != nil {
			return err
		}
		path := filepath.Join(s.dir, fmt.Sprintf("synth-%03d.yaml", target))
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		s.f, s.bw, s.current, s.inFile = f, bufio.NewWriterSize(f, 64<<10), target, 0
		s.paths = append(s.paths, path)
	}
	if s.inFile > 0 {
		if _, err := s.bw.WriteString("---\n"); err != nil {
			return err
		}
	}
	s.inFile++
	_, err := s.bw.Write(doc)
	return err
}

func (s *splitter) close() error {
	if s.f == nil {
		return nil
	}
	err := errors.Join(s.bw.Flush(), s.f.Close())
	s.f = nil
	return err
}
