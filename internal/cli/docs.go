package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/garde-privacy/garde/internal/docs"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/inventory"
)

// The docs commands read an inventory file and need no database, so scripts
// and CI can render and check documents with the engine the server uses.

func newDocsCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "docs",
		Short: "Render and check the privacy plan, privacy policy and record of processing",
		Long: `Write a business's privacy documents from its inventory file, with the
engine the server uses: the privacy plan, the privacy policy and the record
of processing activities (GDPR Art. 30), each written natively in English,
French and Dutch, as Markdown, HTML or PDF.

The inventory file is the YAML document the back office imports and exports
(see examples/inventory-montreal-shop.yaml). A file with unknown keys or
unknown fideslang categories is refused with its file name, line and reason.`,
		Example: `  garde docs render --inventory shop.yaml --doc policy --lang fr --format md
  garde docs render --inventory shop.yaml --doc plan --lang en --format pdf --out plan.pdf
  garde docs check --inventory shop.yaml`,
	}
	cmd.AddCommand(newDocsRenderCmd(e), newDocsCheckCmd(e))
	return cmd
}

// readInventory parses the file, printing every refusal reason.
func readInventory(path string) (*inventory.Inventory, error) {
	if path == "" {
		return nil, errors.New("--inventory is required")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	inv, err := inventory.Parse(path, data)
	if err != nil {
		var fe inventory.FileErrors
		if errors.As(err, &fe) {
			return nil, &exitError{code: 1, msg: fe.Error()}
		}
		return nil, err
	}
	return inv, nil
}

// docsCatalog is loaded once per process for the docs commands.
var docsCatalog = i18n.MustLoad()

func newDocsRenderCmd(e *env) *cobra.Command {
	var invPath, doc, lang, format, out string
	c := &cobra.Command{
		Use:   "render",
		Short: "Render one document from an inventory file",
		Long: `Render one document from an inventory file to standard output, or to --out.

--doc is plan, policy or ropa; --lang is en, fr or nl; --format is md, html
(a standalone page) or pdf. PDF is printed by headless Chromium, found in
the PATH as chromium, chromium-browser, google-chrome or headless-shell; the
command says so when none is installed.`,
		Example: `  garde docs render --inventory shop.yaml --doc policy --lang fr
  garde docs render --inventory shop.yaml --doc ropa --lang nl --format html --out ropa.html`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			k, l, f := docs.Kind(doc), i18n.Lang(lang), docs.Format(format)
			switch {
			case !k.Valid():
				return localized(docsCatalog, docs.ErrUnknownDoc)
			case !l.Valid():
				return localized(docsCatalog, docs.ErrUnknownLang)
			case !f.Valid():
				return localized(docsCatalog, docs.ErrUnknownFormat)
			}
			inv, err := readInventory(invPath)
			if err != nil {
				return err
			}
			r := docs.NewRenderer(docsCatalog)
			var body []byte
			switch f {
			case docs.Markdown:
				md, err := r.Markdown(inv, k, l, docs.Options{})
				if err != nil {
					return localized(docsCatalog, err)
				}
				body = []byte(md)
			default:
				page, err := r.HTMLPage(inv, k, l, docs.Options{})
				if err != nil {
					return localized(docsCatalog, err)
				}
				body = []byte(page)
				if f == docs.PDF {
					if body, err = docs.PDFFromHTML(cmd.Context(), page); err != nil {
						return localized(docsCatalog, err)
					}
				}
			}
			if out == "" {
				_, err = e.stdout.Write(body)
				return err
			}
			return os.WriteFile(out, body, 0o644)
		},
	}
	c.Flags().StringVar(&invPath, "inventory", "", "inventory YAML file")
	c.Flags().StringVar(&doc, "doc", "policy", "document: plan, policy or ropa")
	c.Flags().StringVar(&lang, "lang", "en", "language: en, fr or nl")
	c.Flags().StringVar(&format, "format", "md", "format: md, html or pdf")
	c.Flags().StringVar(&out, "out", "", "write to this file instead of standard output")
	return c
}

func newDocsCheckCmd(e *env) *cobra.Command {
	var invPath, doc, lang string
	c := &cobra.Command{
		Use:   "check",
		Short: "List what each document lacks for the laws the business chose",
		Long: `Check the documents of an inventory file against what the laws chosen in
organisation.jurisdictions require (quebec, pipeda, gdpr, ccpa): the
policy against the notice requirements of each law, the record of
processing against GDPR Art. 30, the privacy plan against the sections of
the OPC privacy plan. Each missing item names the laws that require it.

The exit code is 0 when every document checked is complete, 1 otherwise,
so the command can guard a CI pipeline.`,
		Example: `  garde docs check --inventory shop.yaml
  garde docs check --inventory shop.yaml --doc policy --lang fr`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			l := i18n.Lang(lang)
			if !l.Valid() {
				return localized(docsCatalog, docs.ErrUnknownLang)
			}
			kinds := docs.Kinds
			if doc != "" {
				if !docs.Kind(doc).Valid() {
					return localized(docsCatalog, docs.ErrUnknownDoc)
				}
				kinds = []docs.Kind{docs.Kind(doc)}
			}
			inv, err := readInventory(invPath)
			if err != nil {
				return err
			}
			lz := docsCatalog.For(l)
			incomplete := false
			for _, k := range kinds {
				missing := docs.Check(inv, k)
				printMissing(e.stdout, lz, k, missing)
				incomplete = incomplete || len(missing) > 0
			}
			if incomplete {
				return &exitError{code: 1}
			}
			return nil
		},
	}
	c.Flags().StringVar(&invPath, "inventory", "", "inventory YAML file")
	c.Flags().StringVar(&doc, "doc", "", "only this document: plan, policy or ropa")
	c.Flags().StringVar(&lang, "lang", "en", "language of the messages: en, fr or nl")
	return c
}

func printMissing(w io.Writer, lz *i18n.Localizer, k docs.Kind, missing []docs.Missing) {
	if len(missing) == 0 {
		fmt.Fprintf(w, "%s: complete\n", k)
		return
	}
	fmt.Fprintf(w, "%s: %d missing\n", k, len(missing))
	for _, m := range missing {
		fmt.Fprintf(w, "  - [%s] %s\n", strings.Join(m.Laws, ","), m.Message(lz))
	}
}
