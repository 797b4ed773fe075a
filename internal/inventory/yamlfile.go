package inventory

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/garde-privacy/garde/internal/i18n"
)

// FileError is one reason an inventory file is refused, at a line of it.
type FileError struct {
	File   string
	Line   int
	Path   string
	Reason string
	// ID and Data give the reason in the reader's language.
	ID   string
	Data map[string]any
}

// Localize writes the error with its reason in lz's language.
func (e FileError) Localize(lz *i18n.Localizer) string {
	reason := lz.T(e.ID, e.Data)
	if e.Path != "" {
		return fmt.Sprintf("%s:%d: %s: %s", e.File, e.Line, e.Path, reason)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, reason)
}

func (e FileError) Error() string {
	if e.Path != "" {
		return fmt.Sprintf("%s:%d: %s: %s", e.File, e.Line, e.Path, e.Reason)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Reason)
}

// FileErrors are every reason a file was refused, in line order.
type FileErrors []FileError

func (es FileErrors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

// Parse reads an inventory file, refusing unknown keys, unknown taxonomy
// keys and inconsistent references with the file name, line and reason.
// name is only used in messages.
func Parse(name string, data []byte) (*Inventory, error) {
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, FileErrors{yamlFileError(name, err)}
	}
	if len(f.Docs) != 1 || f.Docs[0].Body == nil {
		return nil, FileErrors{{File: name, Line: 1, Reason: "the file must hold exactly one YAML document", ID: "inventory.file.one_document"}}
	}
	var inv Inventory
	if err := yaml.UnmarshalWithOptions(data, &inv, yaml.Strict()); err != nil {
		return nil, FileErrors{yamlFileError(name, err)}
	}
	problems := inv.Validate()
	if len(problems) == 0 {
		return &inv, nil
	}
	root := f.Docs[0].Body
	out := make(FileErrors, len(problems))
	for i, p := range problems {
		out[i] = FileError{File: name, Line: lineOf(root, p.Path), Path: p.Path, Reason: p.Reason, ID: p.ID, Data: p.Data}
	}
	return nil, out
}

func yamlFileError(name string, err error) FileError {
	var ye yaml.Error
	if errors.As(err, &ye) && ye.GetToken() != nil {
		return FileError{File: name, Line: ye.GetToken().Position.Line, Reason: ye.GetMessage(),
			ID: "inventory.file.yaml", Data: map[string]any{"Detail": ye.GetMessage()}}
	}
	return FileError{File: name, Line: 1, Reason: err.Error(), ID: "inventory.file.yaml", Data: map[string]any{"Detail": err.Error()}}
}

// Marshal writes the inventory as YAML that Parse reads back unchanged.
func Marshal(inv *Inventory) ([]byte, error) {
	return yaml.MarshalWithOptions(inv, yaml.Indent(2), yaml.IndentSequence(true))
}

// lineOf finds the line of the deepest node of path ("activities[2].
// data_categories[0].category") the document has.
func lineOf(root ast.Node, path string) int {
	n := root
	line := n.GetToken().Position.Line
	for _, seg := range splitPath(path) {
		switch v := n.(type) {
		case *ast.TagNode:
			n = v.Value
		case *ast.AnchorNode:
			n = v.Value
		}
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
		found := false
		for _, kv := range pairs {
			if kv.Key.GetToken().Value == seg.(string) {
				line, n, found = kv.Key.GetToken().Position.Line, kv.Value, true
				break
			}
		}
		if !found {
			return line
		}
	}
	return line
}

func splitPath(path string) []any {
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
