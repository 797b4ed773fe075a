package api

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/mail"
	"github.com/garde-privacy/garde/internal/operator"
)

// Struct tags cannot refer to variables, so some enums repeat a domain
// list; they must not drift apart.
func TestEnumsFollowTheirDomain(t *testing.T) {
	var roles, langs []string
	for _, r := range operator.Roles {
		roles = append(roles, string(r))
	}
	for _, l := range i18n.Langs {
		langs = append(langs, string(l))
	}
	for _, c := range []struct {
		typ   reflect.Type
		field string
		want  []string
	}{
		{reflect.TypeFor[OutboxListInput](), "Status", mail.Statuses},
		{reflect.TypeFor[OutboxItem](), "Status", mail.Statuses},
		{reflect.TypeFor[OutboxItem](), "Lang", langs},
		{reflect.TypeFor[OperatorInfo](), "Role", roles},
	} {
		f, ok := c.typ.FieldByName(c.field)
		if !ok {
			t.Fatalf("%s has no %s", c.typ.Name(), c.field)
		}
		got := strings.Split(f.Tag.Get("enum"), ",")
		slices.Sort(got)
		want := slices.Sorted(slices.Values(c.want))
		if !slices.Equal(got, want) {
			t.Errorf("%s.%s enum %v, domain has %v", c.typ.Name(), c.field, got, want)
		}
	}
}
