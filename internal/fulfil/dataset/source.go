package dataset

import (
	"github.com/goccy/go-yaml/ast"

	"github.com/garde-privacy/garde/internal/yamlpos"
)

// source is one parsed file with its syntax tree, so that a problem found
// in a decoded value can name the line that holds it.
type source struct {
	name string
	root ast.Node
}

// line returns the line of the value at path ("dataset[0].collections[2].
// fields[1].fides_meta.identity"); a missing key gives its parent's line.
func (s *source) line(path string) int {
	if s == nil {
		return 0
	}
	return yamlpos.Line(s.root, path)
}
