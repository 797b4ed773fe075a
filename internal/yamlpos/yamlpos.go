// Package yamlpos finds where a value sits in a YAML file, so that a check
// failing on a decoded value (a law, a dataset, an inventory) can name the
// line of the file that holds it.
package yamlpos

import (
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// Line returns the line of the value at path ("dataset[0].collections[2].
// fields[1].name") under root. A path the file does not have gives the line
// of its deepest part the file has: a missing key points at its parent.
func Line(root ast.Node, path string) int {
	if root == nil {
		return 0
	}
	n := root
	line := n.GetToken().Position.Line
	for _, seg := range SplitPath(path) {
		n = unwrap(n)
		if idx, ok := seg.(int); ok {
			seq, isSeq := n.(*ast.SequenceNode)
			if !isSeq || idx < 0 || idx >= len(seq.Values) {
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

// unwrap looks through tags and anchors to the value they mark.
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

// SplitPath turns "a.b[2][0].c" into ["a", "b", 2, 0, "c"]: strings are
// keys, ints are sequence indexes.
func SplitPath(path string) []any {
	var out []any
	for _, part := range strings.Split(path, ".") {
		name, rest, _ := strings.Cut(part, "[")
		if name != "" {
			out = append(out, name)
		}
		for rest != "" {
			num, after, _ := strings.Cut(rest, "]")
			if n, err := strconv.Atoi(num); err == nil {
				out = append(out, n)
			}
			_, rest, _ = strings.Cut(after, "[")
		}
	}
	return out
}
