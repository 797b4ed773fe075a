package rules

import (
	"errors"
	"fmt"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/garde-privacy/garde/internal/yamlpos"
)

// doc is one YAML file with its syntax tree, so that a check failing on a
// value can name the line that holds it.
type doc struct {
	name string
	data []byte
	root ast.Node
}

func parseDoc(name string, data []byte) (*doc, error) {
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, yamlError(name, err)
	}
	if len(f.Docs) != 1 || f.Docs[0].Body == nil {
		return nil, fmt.Errorf("%s: must hold exactly one YAML document", name)
	}
	return &doc{name: name, data: data, root: f.Docs[0].Body}, nil
}

// decode reads the document into v, refusing unknown keys.
func (d *doc) decode(v any) error {
	if err := yaml.UnmarshalWithOptions(d.data, v, yaml.Strict()); err != nil {
		return yamlError(d.name, err)
	}
	return nil
}

// yamlError writes a decoder error as "file:line:column: message".
func yamlError(name string, err error) error {
	var ye yaml.Error
	if errors.As(err, &ye) && ye.GetToken() != nil {
		p := ye.GetToken().Position
		return fmt.Errorf("%s:%d:%d: %s", name, p.Line, p.Column, ye.GetMessage())
	}
	return fmt.Errorf("%s: %v", name, err)
}

// errf is a check failure on the field at path ("request_types.access.
// deadline.unit", "sources[2].url"), located at the line of the deepest part
// of the path the file has (a missing key points at its parent).
func (d *doc) errf(path, format string, args ...any) error {
	return fmt.Errorf("%s:%d: %s: %s", d.name, d.line(path), path, fmt.Sprintf(format, args...))
}

func (d *doc) line(path string) int { return yamlpos.Line(d.root, path) }
