package access

import (
	"bufio"
	"embed"
	"encoding/csv"
	"html/template"
	"io"
	"iter"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/garde-privacy/garde/internal/fulfil/plan"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/taxonomy"
)

//go:embed templates/summary.html
var templateFS embed.FS

var summaryTmpl = template.Must(template.New("summary.html").Funcs(template.FuncMap{
	"T": func(lz *i18n.Localizer, id string, kv ...any) string {
		data := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			data[kv[i].(string)] = kv[i+1]
		}
		return lz.T(id, data)
	},
}).ParseFS(templateFS, "templates/summary.html"))

// Summary is what the readable summary says besides the rows.
type Summary struct {
	At         time.Time
	Lang       i18n.Lang
	Catalog    *i18n.Catalog
	Identities []plan.Identity
	// Unreached lists the places the identities given did not lead to.
	Unreached []string
}

type categoryView struct {
	Key, Name string
	Places    []string
}

type collectionView struct {
	Key         string
	Description string
	Count       int64
	Fields      []string
	Rows        iter.Seq[[]string]
}

type summaryView struct {
	L           *i18n.Localizer
	Lang        string
	Date        string
	Identities  []plan.Identity
	Categories  []categoryView
	Collections []collectionView
	Empty       []string
	Unreached   []string
}

// writeSummary renders summary.html, reading each collection's rows back
// from its CSV file as the page is written.
func (p *Package) writeSummary(sum Summary) error {
	lz := sum.Catalog.For(sum.Lang)
	v := summaryView{L: lz, Lang: string(lz.Lang), Date: sum.At.UTC().Format("2006-01-02"), Identities: sum.Identities, Unreached: sum.Unreached}
	places := map[string][]string{}
	var readErr error
	for _, w := range p.done {
		c := w.step.Collection
		if w.rows == 0 {
			v.Empty = append(v.Empty, c.Key())
			continue
		}
		for _, f := range w.step.Read {
			for _, cat := range f.DataCategories {
				// The summary tells the person about their data, not the
				// system's own bookkeeping.
				if cat != "user" && !strings.HasPrefix(cat, "user.") {
					continue
				}
				places[cat] = append(places[cat], c.Key()+"."+f.Name)
			}
		}
		cv := collectionView{Key: c.Key(), Description: c.Description, Count: w.rows}
		for _, f := range w.step.Read {
			cv.Fields = append(cv.Fields, f.Name)
		}
		cv.Rows = csvRows(filepath.Join(p.dir, w.file), &readErr)
		v.Collections = append(v.Collections, cv)
	}
	keys := make([]string, 0, len(places))
	for k := range places {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		name := k
		if it, ok := taxonomy.DataCategory(k); ok {
			name = it.Label(string(lz.Lang))
		}
		v.Categories = append(v.Categories, categoryView{Key: k, Name: name, Places: places[k]})
	}
	f, err := os.OpenFile(filepath.Join(p.dir, "summary.html"), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(f)
	err = summaryTmpl.Execute(bw, v)
	if err == nil {
		err = readErr
	}
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// csvRows yields the records of a CSV file after its header; an error
// stops the sequence and is left in *errp.
func csvRows(path string, errp *error) iter.Seq[[]string] {
	return func(yield func([]string) bool) {
		f, err := os.Open(path)
		if err != nil {
			*errp = err
			return
		}
		defer f.Close()
		r := csv.NewReader(bufio.NewReader(f))
		r.ReuseRecord = true
		if _, err := r.Read(); err != nil {
			*errp = err
			return
		}
		for {
			rec, err := r.Read()
			if err == io.EOF {
				return
			}
			if err != nil {
				*errp = err
				return
			}
			if !yield(rec) {
				return
			}
		}
	}
}
