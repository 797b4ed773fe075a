package dataset

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/parser"
)

// maxFileSize bounds a dataset file; real ones are a few hundred kilobytes.
const maxFileSize = 16 << 20

// Parse reads the datasets of one file. name is used in messages. It checks
// only the syntax; Check checks the meaning of every loaded dataset together.
func Parse(name string, data []byte) ([]*Dataset, error) {
	if len(data) > maxFileSize {
		return nil, Problems{{File: name, Msg: fmt.Sprintf("the file is larger than %d MB", maxFileSize>>20)}}
	}
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, yamlProblem(name, err)
	}
	if len(f.Docs) != 1 || f.Docs[0].Body == nil {
		return nil, Problems{{File: name, Msg: "must hold exactly one YAML document"}}
	}
	src := &source{name: name, root: f.Docs[0].Body}
	var file File
	if err := yaml.Unmarshal(data, &file); err != nil {
		return nil, yamlProblem(name, err)
	}
	if len(file.Datasets) == 0 {
		return nil, Problems{{File: name, Line: src.line("dataset"), Msg: `no dataset: the file must hold a list under the key "dataset"`}}
	}
	for i, d := range file.Datasets {
		if d == nil {
			return nil, Problems{{File: name, Line: src.line(fmt.Sprintf("dataset[%d]", i)), Msg: "empty dataset entry"}}
		}
		d.src, d.path = src, fmt.Sprintf("dataset[%d]", i)
		for j, c := range d.Collections {
			if c == nil {
				return nil, Problems{{File: name, Line: src.line(fmt.Sprintf("%s.collections[%d]", d.path, j)), Msg: "empty collection entry"}}
			}
			c.Dataset, c.path = d, fmt.Sprintf("%s.collections[%d]", d.path, j)
			for k, fl := range c.Fields {
				if fl == nil {
					return nil, Problems{{File: name, Line: src.line(fmt.Sprintf("%s.fields[%d]", c.path, k)), Msg: "empty field entry"}}
				}
				fl.Collection, fl.path = c, fmt.Sprintf("%s.fields[%d]", c.path, k)
			}
		}
	}
	return file.Datasets, nil
}

func yamlProblem(name string, err error) error {
	var ye yaml.Error
	if errors.As(err, &ye) && ye.GetToken() != nil {
		return Problems{{File: name, Line: ye.GetToken().Position.Line, Msg: ye.GetMessage()}}
	}
	return Problems{{File: name, Msg: err.Error()}}
}

// ReadFiles parses every file and checks the datasets together, so that
// references may cross files.
func ReadFiles(paths ...string) (*Set, error) {
	var all []*Dataset
	var errs Problems
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			errs = append(errs, Problem{File: p, Msg: cleanOSError(err)})
			continue
		}
		ds, err := Parse(filepath.ToSlash(p), data)
		var ps Problems
		if errors.As(err, &ps) {
			errs = append(errs, ps...)
			continue
		}
		all = append(all, ds...)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return Check(all)
}

func cleanOSError(err error) string {
	switch {
	case errors.Is(err, os.ErrNotExist):
		return "no such file"
	case errors.Is(err, os.ErrPermission):
		return "permission denied"
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
