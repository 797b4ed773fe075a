// Package dataset reads and checks dataset files: the description, in the
// Fides dataset YAML format, of which tables and columns of a business's
// systems hold personal data and how they join to a person's identity.
package dataset

// File is one dataset file: a list of datasets under the key "dataset".
type File struct {
	Datasets []*Dataset `yaml:"dataset"`
}

// Dataset is one system's database (a Fides dataset).
type Dataset struct {
	FidesKey       string        `yaml:"fides_key"`
	Name           string        `yaml:"name"`
	Description    string        `yaml:"description"`
	DataCategories []string      `yaml:"data_categories"`
	FidesMeta      *DatasetMeta  `yaml:"fides_meta"`
	LegacyMeta     *DatasetMeta  `yaml:"fidesops_meta"`
	Collections    []*Collection `yaml:"collections"`

	// src and path locate the dataset in its file for error messages.
	src  *source
	path string
}

// DatasetMeta is a dataset's fides_meta block.
type DatasetMeta struct {
	After     []string       `yaml:"after"`
	Namespace map[string]any `yaml:"namespace"`
}

// Collection is a table.
type Collection struct {
	Name           string          `yaml:"name"`
	Description    string          `yaml:"description"`
	DataCategories []string        `yaml:"data_categories"`
	Fields         []*Field        `yaml:"fields"`
	FidesMeta      *CollectionMeta `yaml:"fides_meta"`
	LegacyMeta     *CollectionMeta `yaml:"fidesops_meta"`

	Dataset *Dataset `yaml:"-"`
	path    string
}

// CollectionMeta is a collection's fides_meta block.
type CollectionMeta struct {
	After                   []string  `yaml:"after"`
	EraseAfter              []string  `yaml:"erase_after"`
	SkipProcessing          bool      `yaml:"skip_processing"`
	MaskingStrategyOverride *Strategy `yaml:"masking_strategy_override"`
}

// Field is a column.
type Field struct {
	Name           string     `yaml:"name"`
	Description    string     `yaml:"description"`
	DataCategories []string   `yaml:"data_categories"`
	FidesMeta      *FieldMeta `yaml:"fides_meta"`
	LegacyMeta     *FieldMeta `yaml:"fidesops_meta"`
	// Fields holds nested fields (documents); Garde refuses them.
	Fields []map[string]any `yaml:"fields"`

	Collection *Collection `yaml:"-"`
	path       string
}

// FieldMeta is a field's fides_meta block.
type FieldMeta struct {
	Identity                string      `yaml:"identity"`
	References              []Reference `yaml:"references"`
	PrimaryKey              bool        `yaml:"primary_key"`
	DataType                string      `yaml:"data_type"`
	Length                  int         `yaml:"length"`
	ReadOnly                bool        `yaml:"read_only"`
	CustomRequestField      string      `yaml:"custom_request_field"`
	MaskingStrategyOverride *Strategy   `yaml:"masking_strategy_override"`
}

// Reference joins a field to a field of another collection. Direction
// "from" means values flow from the referenced field into this one, "to"
// the reverse, and no direction both ways.
type Reference struct {
	Dataset   string `yaml:"dataset"`
	Field     string `yaml:"field"`
	Direction string `yaml:"direction"`
}

// Strategy is a masking strategy with its configuration, as Fides writes it.
type Strategy struct {
	Strategy      string         `yaml:"strategy"`
	Configuration map[string]any `yaml:"configuration"`
}

// Meta returns the field's metadata (fides_meta, or the older
// fidesops_meta), never nil.
func (f *Field) Meta() *FieldMeta {
	if f.FidesMeta != nil {
		return f.FidesMeta
	}
	if f.LegacyMeta != nil {
		return f.LegacyMeta
	}
	return &FieldMeta{}
}

// Meta returns the collection's metadata, never nil.
func (c *Collection) Meta() *CollectionMeta {
	if c.FidesMeta != nil {
		return c.FidesMeta
	}
	if c.LegacyMeta != nil {
		return c.LegacyMeta
	}
	return &CollectionMeta{}
}

// Meta returns the dataset's metadata, never nil.
func (d *Dataset) Meta() *DatasetMeta {
	if d.FidesMeta != nil {
		return d.FidesMeta
	}
	if d.LegacyMeta != nil {
		return d.LegacyMeta
	}
	return &DatasetMeta{}
}

// Schema is the database schema named in fides_meta.namespace.schema, or "".
func (d *Dataset) Schema() string {
	s, _ := d.Meta().Namespace["schema"].(string)
	return s
}

// Field returns the collection's field with that name, or nil.
func (c *Collection) Field(name string) *Field {
	for _, f := range c.Fields {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// Collection returns the dataset's collection with that name, or nil.
func (d *Dataset) Collection(name string) *Collection {
	for _, c := range d.Collections {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Key is "dataset.collection", the name used in after and erase_after.
func (c *Collection) Key() string { return c.Dataset.FidesKey + "." + c.Name }

// PrimaryKeys lists the collection's primary key fields.
func (c *Collection) PrimaryKeys() []*Field {
	var out []*Field
	for _, f := range c.Fields {
		if f.Meta().PrimaryKey {
			out = append(out, f)
		}
	}
	return out
}
