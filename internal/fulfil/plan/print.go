package plan

import (
	"fmt"
	"io"
	"strings"

	"github.com/garde-privacy/garde/internal/fulfil/dataset"
)

// strategyNames are the words the plan prints for each strategy.
var strategyNames = map[Strategy]string{
	Null: "set to NULL", Fixed: "fixed value", KeyedHash: "keyed hash", RandomFormat: "random, same format",
}

// Print writes the plan for people: one block per collection, in order.
// Identity values are not printed, so plans can be pasted in tickets.
func (p *Plan) Print(w io.Writer) {
	keys := make([]string, len(p.Identities))
	for i, id := range p.Identities {
		keys[i] = id.Key
	}
	fmt.Fprintf(w, "Plan for the identities: %s\n", strings.Join(keys, ", "))
	for i, s := range p.Steps {
		fmt.Fprintf(w, "\n%d. %s\n", i+1, s.Collection.Key())
		var by []string
		for _, sd := range s.Seeds {
			by = append(by, fmt.Sprintf("%s = identity %s", sd.Field.Name, sd.Identity.Key))
		}
		for _, in := range s.Inputs {
			by = append(by, fmt.Sprintf("%s in values of %s.%s", in.Field.Name, in.From.Collection.Key(), in.From.Name))
		}
		fmt.Fprintf(w, "   found by: %s\n", strings.Join(by, " or "))
		if len(s.After) > 0 {
			var names []string
			for _, c := range s.After {
				names = append(names, c.Key())
			}
			fmt.Fprintf(w, "   after:    %s\n", strings.Join(names, ", "))
		}
		fmt.Fprintf(w, "   reads:    %s\n", fieldNames(s.Read))
		switch {
		case s.DeleteRows:
			fmt.Fprintf(w, "   erasure:  deletes the rows found\n")
		case len(s.Changes) == 0:
			fmt.Fprintf(w, "   erasure:  changes nothing\n")
		default:
			var ch []string
			for _, c := range s.Changes {
				ch = append(ch, c.Field.Name+" ("+strategyNames[c.Strategy]+")")
			}
			fmt.Fprintf(w, "   erasure:  %s\n", strings.Join(ch, ", "))
		}
	}
	if len(p.Unreached) > 0 {
		var names []string
		for _, c := range p.Unreached {
			names = append(names, c.Key())
		}
		fmt.Fprintf(w, "\nNot reached with these identities: %s\n", strings.Join(names, ", "))
	}
}

func fieldNames(fs []*dataset.Field) string {
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.Name
	}
	return strings.Join(names, ", ")
}
