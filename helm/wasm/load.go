package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
	"time"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/ignore"
)

var utf8bom = []byte{0xEF, 0xBB, 0xBF}

// loadChart loads the request's chart: an archive as loader.LoadArchive does, a directory's
// files as loader.LoadDir does (the .helmignore rules, the default rules, the UTF-8 BOM strip,
// the size limit), without touching a filesystem.
func loadChart(req *request) (*chart.Chart, error) {
	if req.Chart.Archive != nil {
		if len(req.Chart.Files) > 0 {
			return nil, fmt.Errorf("the request gives both chart files and a chart archive")
		}
		return loader.LoadArchive(bytes.NewReader(req.Chart.Archive))
	}
	files, err := dirFiles(req.Chart.Files)
	if err != nil {
		return nil, err
	}
	return loader.LoadFiles(files)
}

func dirFiles(in []namedBytes) ([]*loader.BufferedFile, error) {
	rules := ignore.Empty()
	for _, f := range in {
		if f.Name == ignore.HelmIgnore {
			r, err := ignore.Parse(bytes.NewReader(f.Data))
			if err != nil {
				return nil, err
			}
			rules = r
		}
	}
	rules.AddDefaults()

	// LoadDir walks in lexical order; keep that order so the loader sees the same sequence.
	sorted := append([]namedBytes(nil), in...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	ignoredDir := map[string]bool{}
	var files []*loader.BufferedFile
	for _, f := range sorted {
		name := f.Name
		if name == "" || strings.HasPrefix(name, "/") || path.Clean(name) != name || name == ".." || strings.HasPrefix(name, "../") {
			return nil, fmt.Errorf("chart file name %q is not a clean relative path", name)
		}
		if inIgnoredDir(name, rules, ignoredDir) {
			continue
		}
		if rules.Ignore(name, fileInfo{name: path.Base(name), size: int64(len(f.Data))}) {
			continue
		}
		if int64(len(f.Data)) > loader.MaxDecompressedFileSize {
			return nil, fmt.Errorf("chart file %q is larger than the maximum file size %d", path.Base(name), loader.MaxDecompressedFileSize)
		}
		files = append(files, &loader.BufferedFile{Name: name, Data: bytes.TrimPrefix(f.Data, utf8bom)})
	}
	return files, nil
}

// inIgnoredDir applies directory rules to each parent, as LoadDir's walk does with SkipDir.
func inIgnoredDir(name string, rules *ignore.Rules, memo map[string]bool) bool {
	parts := strings.Split(name, "/")
	for i := 1; i < len(parts); i++ {
		dir := strings.Join(parts[:i], "/")
		ignored, seen := memo[dir]
		if !seen {
			ignored = rules.Ignore(dir, fileInfo{name: parts[i-1], dir: true})
			memo[dir] = ignored
		}
		if ignored {
			return true
		}
	}
	return false
}

// fileInfo is the os.FileInfo the ignore rules look at (name and whether it is a directory).
type fileInfo struct {
	name string
	size int64
	dir  bool
}

func (f fileInfo) Name() string { return f.name }
func (f fileInfo) Size() int64  { return f.size }
func (f fileInfo) Mode() fs.FileMode {
	if f.dir {
		return fs.ModeDir | 0o755
	}
	return 0o644
}
func (f fileInfo) ModTime() time.Time { return time.Time{} }
func (f fileInfo) IsDir() bool        { return f.dir }
func (f fileInfo) Sys() any           { return nil }

var _ os.FileInfo = fileInfo{}
