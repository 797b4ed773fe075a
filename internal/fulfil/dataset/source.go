package dataset

import (
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
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
	if s == nil || s.root == nil {
		return 0
	}
	n := s.root
	line := n.GetToken().Position.Line
	for _, seg := range splitPath(path) {
		n = unwrap(n)
		if idx, ok := seg.(int); ok {
			seq, isSeq := n.(*ast.SequenceNode)
			if !isSeq || idx >= len(seq.Values) {
				return line
			}
			n = seq.Values[idx]
			line = n.GetToken().Position.Line
			continue
		}
		var pairs []*ast.MappingValueNode
		switch m := n.(type) {
		case *ast.MappingNode:
			pairs = m.Values
		case *ast.MappingValueNode:
			pairs = []*ast.MappingValueNode{m}
		default:
			return line
		}
		var next ast.Node
		for _, kv := range pairs {
			if kv.Key.GetToken().Value == seg.(string) {
				line, next = kv.Key.GetToken().Position.Line, kv.Value
				break
			}
		}
		if next == nil {
			return line
		}
		n = next
	}
	return line
}

func unwrap(n ast.Node) ast.Node {
	for {
		switch v := n.(type) {
		case *ast.TagNode:
			n = v.Value
		case *ast.AnchorNode:
			n = v.Value
		default:
			return n
		}
	}
}

// splitPath turns "a.b[2].c" into ["a", "b", 2, "c"].
func splitPath(path string) []any {
	var out []any
	for _, part := range strings.Split(path, ".") {
		for part != "" {
			i := strings.IndexByte(part, '[')
			if i < 0 {
				out = append(out, part)
				break
			}
			if i > 0 {
				out = append(out, part[:i])
			}
			j := strings.IndexByte(part, ']')
			if j < i {
				break
			}
			if n, err := strconv.Atoi(part[i+1 : j]); err == nil {
				out = append(out, n)
			}
			part = part[j+1:]
		}
	}
	return out
}
