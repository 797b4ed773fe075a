package yamlpos

import (
	"reflect"
	"testing"

	"github.com/goccy/go-yaml/parser"
)

const file = `dataset:
  - fides_key: shop
    collections:
      - name: customers
        fields:
          - name: id
          - name: email
            tags: !custom
              kind: x
  - fides_key: crm
`

func TestLine(t *testing.T) {
	f, err := parser.ParseBytes([]byte(file), 0)
	if err != nil {
		t.Fatal(err)
	}
	root := f.Docs[0].Body
	cases := []struct {
		path string
		want int
	}{
		{"dataset", 1},
		{"dataset[0].fides_key", 2},
		{"dataset[0].collections[0].fields[1].name", 7},
		{"dataset[0].collections[0].fields[1].tags.kind", 9},
		{"dataset[1].fides_key", 10},
		{"dataset[0].collections[0].missing", 4},
		{"dataset[5].fides_key", 1},
		{"dataset[0].collections[0].fields[9]", 5},
	}
	for _, tc := range cases {
		if got := Line(root, tc.path); got != tc.want {
			t.Errorf("Line(%q) = %d, want %d", tc.path, got, tc.want)
		}
	}
	if Line(nil, "a") != 0 {
		t.Error("a nil root must give line 0")
	}
}

func TestSplitPath(t *testing.T) {
	cases := map[string][]any{
		"a":           {"a"},
		"a.b[2].c":    {"a", "b", 2, "c"},
		"a[1][0]":     {"a", 1, 0},
		"sources[12]": {"sources", 12},
	}
	for in, want := range cases {
		if got := SplitPath(in); !reflect.DeepEqual(got, want) {
			t.Errorf("SplitPath(%q) = %v, want %v", in, got, want)
		}
	}
}
