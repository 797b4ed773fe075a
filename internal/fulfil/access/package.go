package access

import (
	"archive/zip"
	"bufio"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/garde-privacy/garde/internal/fulfil/plan"
)

// Package writes an access package while rows stream in: data.json (one
// document, keyed "dataset:collection" like Fides' access results), one CSV
// per collection, then a readable summary.html; Finish zips them. Every file
// is written as rows arrive, so memory stays flat however many rows a
// person has.
type Package struct {
	dir    string // the work directory inside the output directory
	out    string // the output directory
	json   *os.File
	jw     *bufio.Writer
	csvf   *os.File
	cw     *csv.Writer
	first  bool // no row written yet in the current JSON array
	anyCol bool // a collection has been written to the JSON document
	done   []written
	// keys are the current collection's field names as JSON, encoded once
	// rather than for every row.
	keys [][]byte
	rec  []string
	buf  []byte
}

// written is a collection already in the package.
type written struct {
	step *plan.Step
	file string
	rows int64
}

// NewPackage starts a package in outDir, which must exist.
func NewPackage(outDir string) (*Package, error) {
	dir, err := os.MkdirTemp(outDir, ".garde-access-")
	if err != nil {
		return nil, fmt.Errorf("output directory: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, "data.json"), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	p := &Package{dir: dir, out: outDir, json: f, jw: bufio.NewWriter(f)}
	p.jw.WriteString("{")
	return p, nil
}

// Begin opens the collection's CSV file and JSON array.
func (p *Package) Begin(s *plan.Step) error {
	name := s.Collection.Dataset.FidesKey + "." + s.Collection.Name + ".csv"
	f, err := os.OpenFile(filepath.Join(p.dir, name), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	p.csvf, p.cw = f, csv.NewWriter(bufio.NewWriter(f))
	header := make([]string, len(s.Read))
	p.keys = make([][]byte, len(s.Read))
	for i, f := range s.Read {
		header[i] = f.Name
		k, _ := json.Marshal(f.Name)
		p.keys[i] = append(k, ": "...)
	}
	p.rec = make([]string, len(s.Read))
	if err := p.cw.Write(header); err != nil {
		return err
	}
	if p.anyCol {
		p.jw.WriteString(",")
	}
	p.anyCol, p.first = true, true
	key, _ := json.Marshal(s.Collection.Dataset.FidesKey + ":" + s.Collection.Name)
	p.jw.WriteString("\n  ")
	p.jw.Write(key)
	p.jw.WriteString(": [")
	p.done = append(p.done, written{step: s, file: name})
	return nil
}

// Row writes one row to both files.
func (p *Package) Row(s *plan.Step, values []any) error {
	if !p.first {
		p.jw.WriteString(",")
	}
	p.first = false
	p.jw.WriteString("\n    {")
	for i, v := range values {
		if i > 0 {
			p.jw.WriteString(", ")
		}
		p.jw.Write(p.keys[i])
		// Whole numbers and NULL, the most common values, skip the
		// reflection of json.Marshal.
		switch x := v.(type) {
		case nil:
			p.jw.WriteString("null")
		case int64:
			p.buf = strconv.AppendInt(p.buf[:0], x, 10)
			p.jw.Write(p.buf)
		default:
			b, err := json.Marshal(jsonValue(v))
			if err != nil {
				return err
			}
			p.jw.Write(b)
		}
		p.rec[i] = cell(v)
	}
	p.jw.WriteString("}")
	return p.cw.Write(p.rec)
}

// End closes the collection's CSV file and JSON array.
func (p *Package) End(s *plan.Step, rows int64) error {
	if rows > 0 {
		p.jw.WriteString("\n  ")
	}
	p.jw.WriteString("]")
	p.done[len(p.done)-1].rows = rows
	p.cw.Flush()
	err := p.cw.Error()
	if cerr := p.csvf.Close(); err == nil {
		err = cerr
	}
	return err
}

// Abort removes everything written so far.
func (p *Package) Abort() {
	if p.json != nil {
		p.json.Close()
	}
	if p.csvf != nil {
		p.csvf.Close()
	}
	os.RemoveAll(p.dir)
}

// Finish writes the summary and zips the package into the output
// directory, returning the zip's path. The work files are removed.
func (p *Package) Finish(sum Summary) (string, error) {
	defer os.RemoveAll(p.dir)
	p.jw.WriteString("\n}\n")
	if err := p.jw.Flush(); err != nil {
		return "", err
	}
	if err := p.json.Close(); err != nil {
		return "", err
	}
	if err := p.writeSummary(sum); err != nil {
		return "", err
	}
	name := "access-" + sum.At.UTC().Format("20060102T150405Z") + ".zip"
	tmp := filepath.Join(p.dir, name)
	files := []string{"summary.html", "data.json"}
	for _, w := range p.done {
		files = append(files, w.file)
	}
	if err := zipFiles(tmp, p.dir, files, sum.At); err != nil {
		return "", err
	}
	final := filepath.Join(p.out, name)
	if _, err := os.Stat(final); err == nil {
		return "", fmt.Errorf("%s already exists", final)
	}
	if err := os.Rename(tmp, final); err != nil {
		return "", err
	}
	return final, nil
}

func zipFiles(dst, dir string, names []string, at time.Time) error {
	f, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(f)
	for _, n := range names {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Deflate, Modified: at})
		if err != nil {
			f.Close()
			return err
		}
		src, err := os.Open(filepath.Join(dir, n))
		if err != nil {
			f.Close()
			return err
		}
		_, err = io.Copy(w, src)
		src.Close()
		if err != nil {
			f.Close()
			return err
		}
	}
	if err := zw.Close(); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// jsonValue is how a database value appears in data.json.
func jsonValue(v any) any {
	switch x := v.(type) {
	case []byte:
		if utf8.Valid(x) {
			return string(x)
		}
		return base64.StdEncoding.EncodeToString(x)
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	}
	return v
}

// cell is how a database value appears in a CSV file. A text starting with
// a formula sign gets a leading quote, so a spreadsheet shows it rather
// than running it.
func cell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return guardFormula(x)
	case []byte:
		if utf8.Valid(x) {
			return guardFormula(string(x))
		}
		return base64.StdEncoding.EncodeToString(x)
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprint(v)
}

func guardFormula(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			return "'" + s
		}
	}
	return s
}
