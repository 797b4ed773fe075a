// Package taxonomy holds the fideslang default taxonomy of data categories,
// data uses and data subjects, with labels in English, French and Dutch.
//
// The keys and their hierarchy come from fideslang by Ethyca
// (https://github.com/ethyca/fideslang), licensed under CC BY 4.0; the French
// and Dutch labels and the "sensitive" marks are Garde's. Using the same keys
// lets a Fides user bring their dataset files unchanged.
package taxonomy

import (
	"embed"
	"fmt"
	"sort"
	"strings"

	"github.com/goccy/go-yaml"
)

//go:embed data/*.yaml
var dataFiles embed.FS

// Item is one entry of a taxonomy.
type Item struct {
	// Key is the dotted fideslang key ("user.contact.email").
	Key string
	// Parent is the key one level up; empty at the top of the tree.
	Parent string
	// Labels are the names shown to people, per language code.
	Labels map[string]string
	// Sensitive marks data categories that laws treat as sensitive.
	Sensitive bool
	// ReplacedBy is set on keys fideslang has deprecated; such keys stay
	// valid and read as the key that replaces them.
	ReplacedBy string
}

// Label is the item's name in lang ("en", "fr", "nl"), English otherwise.
func (it Item) Label(lang string) string {
	if s, ok := it.Labels[lang]; ok {
		return s
	}
	return it.Labels["en"]
}

// Deprecated reports whether fideslang has replaced the key.
func (it Item) Deprecated() bool { return it.ReplacedBy != "" }

type entry struct {
	Key        string `yaml:"key"`
	EN         string `yaml:"en"`
	FR         string `yaml:"fr"`
	NL         string `yaml:"nl"`
	Sensitive  bool   `yaml:"sensitive"`
	ReplacedBy string `yaml:"replaced_by"`
}

// tree is one loaded taxonomy: every key, and the current ones in file order.
type tree struct {
	byKey   map[string]Item
	current []Item
}

var categories, uses, subjects = mustLoad("data_categories.yaml"), mustLoad("data_uses.yaml"), mustLoad("data_subjects.yaml")

func mustLoad(name string) *tree {
	t, err := load(name)
	if err != nil {
		panic(err)
	}
	return t
}

func load(name string) (*tree, error) {
	data, err := dataFiles.ReadFile("data/" + name)
	if err != nil {
		return nil, err
	}
	var entries []entry
	if err := yaml.UnmarshalWithOptions(data, &entries, yaml.Strict()); err != nil {
		return nil, fmt.Errorf("taxonomy: %s: %w", name, err)
	}
	t := &tree{byKey: map[string]Item{}}
	for _, e := range entries {
		if _, dup := t.byKey[e.Key]; dup || e.Key == "" {
			return nil, fmt.Errorf("taxonomy: %s: key %q empty or defined twice", name, e.Key)
		}
		it := Item{Key: e.Key, Sensitive: e.Sensitive, ReplacedBy: e.ReplacedBy}
		if i := strings.LastIndexByte(e.Key, '.'); i > 0 {
			it.Parent = e.Key[:i]
		}
		if e.ReplacedBy == "" {
			if e.EN == "" || e.FR == "" || e.NL == "" {
				return nil, fmt.Errorf("taxonomy: %s: %s needs labels in en, fr and nl", name, e.Key)
			}
			it.Labels = map[string]string{"en": e.EN, "fr": e.FR, "nl": e.NL}
		}
		t.byKey[e.Key] = it
		if !it.Deprecated() {
			t.current = append(t.current, it)
		}
	}
	// A deprecated key reads with the labels of its replacement, and every
	// parent must exist, so the tree has no dangling branch.
	for k, it := range t.byKey {
		if it.Parent != "" {
			if _, ok := t.byKey[it.Parent]; !ok {
				return nil, fmt.Errorf("taxonomy: %s: %s has no parent %s", name, k, it.Parent)
			}
		}
		if it.Deprecated() {
			r, ok := t.byKey[it.ReplacedBy]
			if !ok || r.Deprecated() {
				return nil, fmt.Errorf("taxonomy: %s: %s is replaced by unknown key %s", name, k, it.ReplacedBy)
			}
			it.Labels, it.Sensitive = r.Labels, r.Sensitive
			t.byKey[k] = it
		}
	}
	return t, nil
}

func (t *tree) get(key string) (Item, bool) {
	it, ok := t.byKey[key]
	return it, ok
}

func (t *tree) list() []Item { return append([]Item(nil), t.current...) }

// DataCategory returns the data category with that key.
func DataCategory(key string) (Item, bool) { return categories.get(key) }

// IsDataCategory reports whether key is a data category (deprecated keys
// included).
func IsDataCategory(key string) bool { _, ok := categories.byKey[key]; return ok }

// DataCategories lists the current data categories, parents before children.
func DataCategories() []Item { return categories.list() }

// DataUse returns the data use with that key.
func DataUse(key string) (Item, bool) { return uses.get(key) }

// IsDataUse reports whether key is a data use (deprecated keys included).
func IsDataUse(key string) bool { _, ok := uses.byKey[key]; return ok }

// DataUses lists the current data uses, parents before children.
func DataUses() []Item { return uses.list() }

// DataSubject returns the data subject with that key.
func DataSubject(key string) (Item, bool) { return subjects.get(key) }

// IsDataSubject reports whether key is a data subject.
func IsDataSubject(key string) bool { _, ok := subjects.byKey[key]; return ok }

// DataSubjects lists the data subjects.
func DataSubjects() []Item { return subjects.list() }

// IsSensitive reports whether the data category or one of its ancestors is
// marked sensitive ("user.health.condition" is sensitive because
// "user.health" is).
func IsSensitive(key string) bool {
	for k := key; k != ""; {
		it, ok := categories.byKey[k]
		if !ok {
			return false
		}
		if it.Sensitive {
			return true
		}
		k = it.Parent
	}
	return false
}

// Children lists the current data categories directly under key, by key.
func Children(key string) []Item {
	var out []Item
	for _, it := range categories.current {
		if it.Parent == key {
			out = append(out, it)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}
