package inventory

import (
	"errors"
	"fmt"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/parser"

	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/yamlpos"
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
		out[i] = FileError{File: name, Line: yamlpos.Line(root, p.Path), Path: p.Path, Reason: p.Reason, ID: p.ID, Data: p.Data}
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
