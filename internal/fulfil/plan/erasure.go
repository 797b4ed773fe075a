package plan

import (
	"strings"

	"github.com/garde-privacy/garde/internal/fulfil/dataset"
)

// Strategy says how an erasure changes a field.
type Strategy string

const (
	// Null writes NULL.
	Null Strategy = "null"
	// Fixed writes a fixed value (Fides string_rewrite).
	Fixed Strategy = "fixed"
	// KeyedHash writes a keyed hash of the value: the same value always
	// gives the same hash, without the key nobody can reverse or test it.
	KeyedHash Strategy = "keyed_hash"
	// RandomFormat writes random characters of the same kinds and length.
	RandomFormat Strategy = "random_format"
)

// Change is what an erasure does to one field.
type Change struct {
	Field    *dataset.Field
	Strategy Strategy
	// Value is the fixed value of the Fixed strategy.
	Value string
}

// fromFides maps Fides masking strategies to Garde's.
var fromFides = map[string]Strategy{
	"null_rewrite":          Null,
	"string_rewrite":        Fixed,
	"hash":                  KeyedHash,
	"hmac":                  KeyedHash,
	"random_string_rewrite": RandomFormat,
}

// erasure decides, for one collection, which fields an erasure changes and
// how. By default it changes every field holding a user.* data category
// except primary keys and the fields that join collections (changing those
// would orphan rows or break foreign keys); a field's masking override wins,
// and "preserve" keeps the field. A collection override of "delete" deletes
// the rows.
func erasure(set *dataset.Set, c *dataset.Collection) ([]Change, bool) {
	if o := c.Meta().MaskingStrategyOverride; o != nil && o.Strategy == "delete" {
		return nil, true
	}
	joins := map[*dataset.Field]bool{}
	for _, e := range set.Edges {
		joins[e.From], joins[e.To] = true, true
	}
	var out []Change
	for _, f := range c.Fields {
		m := f.Meta()
		if o := m.MaskingStrategyOverride; o != nil {
			if s, ok := fromFides[o.Strategy]; ok {
				ch := Change{Field: f, Strategy: s}
				if s == Fixed {
					ch.Value, _ = o.Configuration["rewrite_value"].(string)
					if ch.Value == "" {
						ch.Value = "erased"
					}
				}
				out = append(out, ch)
			}
			continue
		}
		if m.PrimaryKey || joins[f] || !personal(f) {
			continue
		}
		s := KeyedHash
		if m.DataType != "" && m.DataType != "string" {
			s = Null
		}
		out = append(out, Change{Field: f, Strategy: s})
	}
	return out, false
}

// personal reports whether the field holds a category about the person.
func personal(f *dataset.Field) bool {
	for _, c := range f.DataCategories {
		if c == "user" || strings.HasPrefix(c, "user.") {
			return true
		}
	}
	return false
}
