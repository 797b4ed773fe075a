package requests

import (
	"errors"
	"strings"
	"testing"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

// templateInput is a valid template using every placeholder, a different
// text in each language.
func templateInput() ReplyTemplateInput {
	return ReplyTemplateInput{
		Name:   "  Acknowledgement ",
		BodyEN: "EN {{name}} / {{reference}} / {{due_date}} / {{type}} / {{law}}",
		BodyFR: "FR {{name}} / {{reference}} / {{due_date}} / {{type}} / {{law}}",
		BodyNL: "NL {{name}} / {{reference}} / {{due_date}} / {{type}} / {{law}}",
	}
}

func (f *fixture) templateAudit(id string) []string {
	f.t.Helper()
	rows, err := f.db.Query(f.ctx, "SELECT action FROM audit_log WHERE target = ? ORDER BY seq", replyTemplateTarget(id))
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			f.t.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}

func TestReplyTemplateSeeds(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		list, err := f.svc.ReplyTemplates(f.ctx)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, tpl := range list {
			names = append(names, tpl.Name)
			// The starters pass the checks an admin's templates pass.
			if _, err := checkReplyTemplate(ReplyTemplateInput{Name: tpl.Name, BodyEN: tpl.BodyEN, BodyFR: tpl.BodyFR,
				BodyNL: tpl.BodyNL, RequestType: tpl.RequestType}); err != nil {
				t.Errorf("starter %q: %v", tpl.Name, err)
			}
			if tpl.BodyEN == tpl.BodyFR || tpl.BodyFR == tpl.BodyNL || tpl.CreatedBy != "system" {
				t.Errorf("starter %+v", tpl)
			}
		}
		want := "Request received, working on it|We need more information to identify you|Your request is complete"
		if strings.Join(names, "|") != want {
			t.Fatalf("starters %q", names)
		}
		// Later uses add nothing.
		if _, err := f.svc.ReplyTemplates(f.ctx); err != nil {
			t.Fatal(err)
		}
		if n := f.count("SELECT COUNT(*) FROM reply_templates"); n != 3 {
			t.Errorf("%d templates after a second use", n)
		}
		if n := f.count("SELECT COUNT(*) FROM audit_log WHERE action = ?", "reply_template.seeded"); n != 1 {
			t.Errorf("%d seed audit entries", n)
		}
		// Deleted starters do not come back.
		for _, tpl := range list {
			if err := f.svc.DeleteReplyTemplate(f.ctx, f.as(f.admin), tpl.ID); err != nil {
				t.Fatal(err)
			}
		}
		if list, err := f.svc.ReplyTemplates(f.ctx); err != nil || len(list) != 0 {
			t.Errorf("after deleting the starters: %d templates, %v", len(list), err)
		}
	})
}

func TestReplyTemplateSeedsOnlyIntoEmptyTable(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		// A template already there (e.g. added by the API of a later
		// version): the starters stay out.
		now := f.svc.now()
		if err := insertReplyTemplate(f.ctx, d, &ReplyTemplate{ID: newID(), Name: "Ours", BodyEN: "a", BodyFR: "b",
			BodyNL: "c", CreatedBy: "operator:x", CreatedAt: now, UpdatedAt: now}); err != nil {
			t.Fatal(err)
		}
		list, err := f.svc.ReplyTemplates(f.ctx)
		if err != nil || len(list) != 1 || list[0].Name != "Ours" {
			t.Fatalf("templates %+v, %v", list, err)
		}
	})
}

func TestReplyTemplateCRUD(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		for _, o := range []Actor{f.as(f.agent), f.as(f.viewer), SystemActor, {Kind: ActorSubject, ID: "x"}} {
			if _, err := f.svc.CreateReplyTemplate(f.ctx, o, templateInput()); !errors.Is(err, ErrForbidden) {
				t.Errorf("create as %s: %v", o, err)
			}
		}
		tpl, err := f.svc.CreateReplyTemplate(f.ctx, f.as(f.admin), templateInput())
		if err != nil {
			t.Fatal(err)
		}
		if tpl.Name != "Acknowledgement" || tpl.CreatedBy != "operator:"+f.admin.ID || tpl.RequestType != "" {
			t.Errorf("created %+v", tpl)
		}
		got, err := f.svc.GetReplyTemplate(f.ctx, strings.ToUpper(tpl.ID))
		if err != nil || got.BodyNL != tpl.BodyNL || !got.CreatedAt.Equal(tpl.CreatedAt) {
			t.Fatalf("get %+v, %v", got, err)
		}

		in := templateInput()
		in.Name, in.RequestType, in.BodyFR = "Access: first answer", TypeAccess, "Bonjour {{name}},\r\nc'est noté."
		if _, err := f.svc.UpdateReplyTemplate(f.ctx, f.as(f.agent), tpl.ID, in); !errors.Is(err, ErrForbidden) {
			t.Errorf("update as agent: %v", err)
		}
		f.clock.Add(3600e9)
		up, err := f.svc.UpdateReplyTemplate(f.ctx, f.as(f.owner), tpl.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		got, _ = f.svc.GetReplyTemplate(f.ctx, tpl.ID)
		if got.Name != in.Name || got.RequestType != TypeAccess || got.BodyFR != "Bonjour {{name}},\nc'est noté." ||
			!got.UpdatedAt.After(got.CreatedAt) || !got.UpdatedAt.Equal(up.UpdatedAt) {
			t.Errorf("updated %+v", got)
		}
		list, err := f.svc.ReplyTemplates(f.ctx)
		if err != nil || len(list) != 4 || list[0].ID != tpl.ID {
			t.Errorf("list (by name, starters included): %d, %v", len(list), err)
		}

		if err := f.svc.DeleteReplyTemplate(f.ctx, f.as(f.agent), tpl.ID); !errors.Is(err, ErrForbidden) {
			t.Errorf("delete as agent: %v", err)
		}
		if err := f.svc.DeleteReplyTemplate(f.ctx, f.as(f.admin), tpl.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.GetReplyTemplate(f.ctx, tpl.ID); !errors.Is(err, ErrReplyTemplateNotFound) {
			t.Errorf("get deleted: %v", err)
		}
		for _, id := range []string{tpl.ID, "nope", ""} {
			if _, err := f.svc.UpdateReplyTemplate(f.ctx, f.as(f.admin), id, templateInput()); !errors.Is(err, ErrReplyTemplateNotFound) {
				t.Errorf("update %q: %v", id, err)
			}
			if err := f.svc.DeleteReplyTemplate(f.ctx, f.as(f.admin), id); !errors.Is(err, ErrReplyTemplateNotFound) {
				t.Errorf("delete %q: %v", id, err)
			}
		}
		if got := strings.Join(f.templateAudit(tpl.ID), ","); got != "reply_template.created,reply_template.updated,reply_template.deleted" {
			t.Errorf("audit %s", got)
		}
	})
}

func TestReplyTemplateValidation(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		check := func(name string, edit func(*ReplyTemplateInput), want map[string]string) map[string]*i18n.Error {
			t.Helper()
			in := templateInput()
			edit(&in)
			_, err := f.svc.CreateReplyTemplate(f.ctx, f.as(f.admin), in)
			var fe ReplyTemplateErrors
			if !errors.As(err, &fe) {
				t.Fatalf("%s: error %v", name, err)
			}
			got := map[string]string{}
			for k, v := range fe {
				got[k] = v.ID
			}
			if len(got) != len(want) {
				t.Errorf("%s: errors %v, want %v", name, got, want)
			}
			for k, v := range want {
				if got[k] != v {
					t.Errorf("%s: %s is %q, want %q", name, k, got[k], v)
				}
			}
			return fe
		}
		check("missing French", func(in *ReplyTemplateInput) { in.BodyFR = " \n " },
			map[string]string{FieldTemplateBodyFR: "requests.error.reply_template_body_required"})
		check("nothing", func(in *ReplyTemplateInput) { *in = ReplyTemplateInput{} }, map[string]string{
			FieldTemplateName:   "requests.error.reply_template_name_required",
			FieldTemplateBodyEN: "requests.error.reply_template_body_required",
			FieldTemplateBodyFR: "requests.error.reply_template_body_required",
			FieldTemplateBodyNL: "requests.error.reply_template_body_required",
		})
		check("too long", func(in *ReplyTemplateInput) {
			in.Name = strings.Repeat("é", MaxReplyTemplateNameLen+1)
			in.BodyNL = strings.Repeat("ë", MaxReplyTemplateBodyLen+1)
		}, map[string]string{
			FieldTemplateName:   "requests.error.reply_template_name_long",
			FieldTemplateBodyNL: "requests.error.reply_template_body_long",
		})
		check("bad type", func(in *ReplyTemplateInput) { in.RequestType = "everything" },
			map[string]string{FieldTemplateType: "requests.error.reply_template_type_invalid"})
		fe := check("unknown placeholders", func(in *ReplyTemplateInput) {
			in.BodyEN = "Dear {{Name}}, see {{ reference }} and {{ref}}; {{Name}} again. {{reference}} is fine."
		}, map[string]string{FieldTemplateBodyEN: "requests.error.reply_template_placeholder_unknown"})
		msg := fe[FieldTemplateBodyEN].Localize(cat.For(i18n.FR))
		for _, s := range []string{"{{ reference }}, {{Name}}, {{ref}}.", "{{reference}}, {{name}}, {{due_date}}, {{type}}, {{law}}"} {
			if !strings.Contains(msg, s) {
				t.Errorf("message %q does not contain %q", msg, s)
			}
		}
		// At the limits, and with an unknown {{…}} nowhere, it saves.
		in := templateInput()
		in.Name = strings.Repeat("n", MaxReplyTemplateNameLen)
		in.BodyEN = strings.Repeat("b", MaxReplyTemplateBodyLen-len("{{name}}")) + "{{name}}"
		in.BodyFR = "Accolade seule { et } et {{name}"
		if _, err := f.svc.CreateReplyTemplate(f.ctx, f.as(f.admin), in); err != nil {
			t.Errorf("at the limits: %v", err)
		}
	})
}

func TestRenderReplyTemplate(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		tpl, err := f.svc.CreateReplyTemplate(f.ctx, f.as(f.admin), templateInput())
		if err != nil {
			t.Fatal(err)
		}
		fr := f.verified(input())
		nlIn := input()
		nlIn.Email, nlIn.Region, nlIn.Language, nlIn.Type, nlIn.Phone = "an@example.nl", "NL", i18n.NL, TypeErasure, ""
		// A value that looks like a placeholder is not filled in again.
		nlIn.Name = "An {{law}} de Vries"
		nl := f.verified(nlIn)
		enIn := input()
		enIn.Email, enIn.Region, enIn.Language, enIn.Phone = "sam@example.co.uk", "GB", i18n.EN, ""
		en := f.verified(enIn)

		for _, c := range []struct {
			r    *Request
			want string
		}{
			{fr, "FR Jo Martin / " + fr.Reference + " / " + FormatDate(i18n.FR, fr.DueDate) + " / Accès / "},
			{nl, "NL An {{law}} de Vries / " + nl.Reference + " / " + FormatDate(i18n.NL, nl.DueDate) + " / "},
			{en, "EN Jo Martin / " + en.Reference + " / " + FormatDate(i18n.EN, en.DueDate) + " / Access / "},
		} {
			law, ok := f.svc.Law(c.r)
			if !ok {
				t.Fatalf("no law for %s", c.r.Region)
			}
			got, err := f.svc.RenderReplyTemplate(f.ctx, tpl.ID, c.r.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(got, c.want) || !strings.HasSuffix(got, " / "+law.Name(c.r.Language)) ||
				strings.Contains(strings.ReplaceAll(got, "{{law}} de", ""), "{{") {
				t.Errorf("%s: rendered %q, want %q… / %s", c.r.Language, got, c.want, law.Name(c.r.Language))
			}
		}
		// The Dutch type name and month, in Dutch.
		got, _ := f.svc.RenderReplyTemplate(f.ctx, tpl.ID, nl.ID)
		if !strings.Contains(got, " / "+cat.For(i18n.NL).T(TypeErasure.LabelID())+" / ") || cat.For(i18n.NL).T(TypeErasure.LabelID()) == "Erasure" {
			t.Errorf("Dutch type: %q", got)
		}

		if _, err := f.svc.RenderReplyTemplate(f.ctx, newID(), fr.ID); !errors.Is(err, ErrReplyTemplateNotFound) {
			t.Errorf("unknown template: %v", err)
		}
		if _, err := f.svc.RenderReplyTemplate(f.ctx, tpl.ID, newID()); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown request: %v", err)
		}
		if _, err := f.svc.RenderReplyTemplate(f.ctx, tpl.ID, "x'; --"); !errors.Is(err, ErrNotFound) {
			t.Errorf("bad request ID: %v", err)
		}
	})
}
