package rules

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"github.com/goccy/go-yaml"
)

//go:embed laws/*.yaml calendars/*.yaml
var embedded embed.FS

// file is one rules file to read: its name in error messages and its bytes.
type file struct {
	name string
	data []byte
}

var (
	embeddedOnce sync.Once
	embeddedSet  *Set
	embeddedErr  error
)

// Embedded returns the rules shipped with Garde, loaded once. It panics if
// they are broken, which the package tests rule out.
func Embedded() *Set {
	embeddedOnce.Do(func() { embeddedSet, embeddedErr = Load("") })
	if embeddedErr != nil {
		panic(embeddedErr)
	}
	return embeddedSet
}

// Load reads the embedded laws and calendars, then every *.yaml file of
// overrideDir (when not empty). An override file holds one law (kind: law)
// or one calendar (kind: calendar); it replaces the embedded one with the
// same id, or adds a new one. Every file is checked the same way, and the
// errors name the file, the line and the field.
func Load(overrideDir string) (*Set, error) {
	laws, cals, err := embeddedFiles()
	if err != nil {
		return nil, err
	}
	if overrideDir != "" {
		if err := readOverrides(overrideDir, laws, cals); err != nil {
			return nil, err
		}
	}
	return build(laws, cals)
}

func embeddedFiles() (laws, cals map[string]file, err error) {
	laws, cals = map[string]file{}, map[string]file{}
	for dir, into := range map[string]map[string]file{"laws": laws, "calendars": cals} {
		names, err := fs.Glob(embedded, dir+"/*.yaml")
		if err != nil {
			return nil, nil, err
		}
		for _, n := range names {
			data, err := embedded.ReadFile(n)
			if err != nil {
				return nil, nil, err
			}
			id := strings.TrimSuffix(path.Base(n), ".yaml")
			into[id] = file{name: "embedded " + n, data: data}
		}
	}
	return laws, cals, nil
}

// readOverrides puts the operator's files in place of the embedded ones,
// keyed by the id written inside each file.
func readOverrides(dir string, laws, cals map[string]file) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("rules directory %s: %w", dir, errors.Unwrap(err))
	}
	seen := map[string]string{}
	var errs []error
	for _, e := range entries {
		if e.IsDir() || !(strings.HasSuffix(e.Name(), ".yaml") || strings.HasSuffix(e.Name(), ".yml")) {
			continue
		}
		name := filepath.Join(dir, e.Name())
		data, err := os.ReadFile(name)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, errors.Unwrap(err)))
			continue
		}
		d, err := parseDoc(name, data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		var h fileHeader
		if err := yaml.Unmarshal(data, &h); err != nil {
			errs = append(errs, yamlError(name, err))
			continue
		}
		key := h.Kind + ":" + h.ID
		if prev, dup := seen[key]; dup {
			errs = append(errs, d.errf("id", "%s %q is already defined in %s", h.Kind, h.ID, prev))
			continue
		}
		seen[key] = name
		switch h.Kind {
		case "law":
			laws[h.ID] = file{name, data}
		case "calendar":
			cals[h.ID] = file{name, data}
		default:
			errs = append(errs, d.errf("kind", "must be law or calendar, not %q", h.Kind))
		}
	}
	return errors.Join(errs...)
}

func build(lawFiles, calFiles map[string]file) (*Set, error) {
	s := &Set{laws: map[string]*Law{}, calendars: map[string]*Calendar{}, regions: map[string]*Law{}}
	var errs []error
	broken := map[string]bool{}
	for _, id := range sortedKeys(calFiles) {
		f := calFiles[id]
		d, err := parseDoc(f.name, f.data)
		if err != nil {
			errs = append(errs, err)
			broken[id] = true
			continue
		}
		var cf calendarFile
		if err := d.decode(&cf); err != nil {
			errs = append(errs, err)
			broken[id] = true
			continue
		}
		cal, cerrs := buildCalendar(d, &cf)
		if cf.ID != id {
			cerrs = append(cerrs, d.errf("id", "the file is named after %q but holds %q", id, cf.ID))
		}
		errs = append(errs, cerrs...)
		if len(cerrs) == 0 {
			s.calendars[cal.ID] = cal
		} else {
			broken[id] = true
		}
	}
	regionFrom := map[string]string{}
	for _, id := range sortedKeys(lawFiles) {
		f := lawFiles[id]
		d, err := parseDoc(f.name, f.data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		var lf lawFile
		if err := d.decode(&lf); err != nil {
			errs = append(errs, err)
			continue
		}
		l, lerrs := buildLaw(d, &lf, s.calendars, broken)
		if lf.ID != id {
			lerrs = append(lerrs, d.errf("id", "the file is named after %q but holds %q", id, lf.ID))
		}
		if len(lerrs) > 0 {
			errs = append(errs, lerrs...)
			continue
		}
		s.laws[l.ID] = l
		for i, r := range l.Regions {
			if other, taken := s.regions[r]; taken {
				errs = append(errs, d.errf(fmt.Sprintf("regions[%d]", i), "%s already belongs to law %q (%s)", r, other.ID, regionFrom[r]))
				continue
			}
			s.regions[r], regionFrom[r] = l, f.name
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return s, nil
}
