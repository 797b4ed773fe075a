// Command bannersize compares the weight of Garde's consent banner with
// three widely used open-source banners. It installs them from npm (the
// versions pinned in package.json beside this file) into a temporary
// directory, gzips what a site must load for each (script and stylesheet,
// at the same compression level for all) and prints the figures with their
// ratio to Garde's. It exits with status 1 if Garde's banner is not the
// smallest. Run it from the module: go run ./bench/bannersize
package main

import (
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/garde-privacy/garde/internal/consent"
	"github.com/garde-privacy/garde/internal/i18n"
)

// banner is one product and the files a site loads for it.
type banner struct {
	name  string
	note  string
	files []string // below node_modules
	raw   int
	gz    int
}

var peers = []banner{
	{name: "klaro 0.7.22", note: "script with its translations, minified stylesheet",
		files: []string{"klaro/dist/klaro-no-css.js", "klaro/dist/klaro.min.css"}},
	{name: "vanilla-cookieconsent 3.1.0", note: "script and stylesheet; texts are the site's own, not counted",
		files: []string{"vanilla-cookieconsent/dist/cookieconsent.umd.js", "vanilla-cookieconsent/dist/cookieconsent.css"}},
	{name: "tarteaucitronjs 1.34.0", note: "script, its services file, one language, stylesheet (all loaded by every page)",
		files: []string{"tarteaucitronjs/tarteaucitron.min.js", "tarteaucitronjs/tarteaucitron.services.min.js",
			"tarteaucitronjs/lang/tarteaucitron.fr.min.js", "tarteaucitronjs/css/tarteaucitron.min.css"}},
}

func main() {
	keep := flag.Bool("keep", false, "keep the temporary npm directory and print where it is")
	flag.Parse()
	if err := run(*keep); err != nil {
		fmt.Fprintln(os.Stderr, "bannersize:", err)
		os.Exit(2)
	}
}

func gzSize(b []byte) int {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	w.Write(b)
	w.Close()
	return buf.Len()
}

// garde measures the script a site gets (default purposes, texts in the
// three languages, its configuration) and the stylesheet.
func garde() (banner, error) {
	cat, err := i18n.Load()
	if err != nil {
		return banner{}, err
	}
	site := &consent.Site{ID: "0190d9c2-0000-7000-8000-000000000000", Name: "Shop", Purposes: consent.DefaultPurposes,
		NoticeVersion: "2026-01", ReaskMonths: consent.DefaultReaskMonths, PolicyURL: "https://shop.example/privacy"}
	js := consent.BannerScript(cat, site, "https://privacy.shop.example")
	css := consent.BannerCSS()
	return banner{name: "Garde", note: "script with its configuration and texts in en, fr and nl, stylesheet",
		raw: len(js) + len(css), gz: gzSize(js) + gzSize(css)}, nil
}

func run(keep bool) error {
	_, self, _, _ := runtime.Caller(0)
	pkg, err := os.ReadFile(filepath.Join(filepath.Dir(self), "package.json"))
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "garde-bannersize-")
	if err != nil {
		return err
	}
	if keep {
		fmt.Fprintln(os.Stderr, "npm directory:", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	if err := os.WriteFile(filepath.Join(tmp, "package.json"), pkg, 0o644); err != nil {
		return err
	}
	fmt.Fprintln(os.Stderr, "installing the peers from npm…")
	cmd := exec.Command("npm", "install", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error")
	cmd.Dir, cmd.Stdout, cmd.Stderr = tmp, os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("npm install: %w", err)
	}

	ours, err := garde()
	if err != nil {
		return err
	}
	rows := []banner{ours}
	for _, p := range peers {
		for _, f := range p.files {
			b, err := os.ReadFile(filepath.Join(tmp, "node_modules", filepath.FromSlash(f)))
			if err != nil {
				return err
			}
			p.raw += len(b)
			p.gz += gzSize(b)
		}
		rows = append(rows, p)
	}

	fmt.Printf("%-28s %10s %10s %8s  %s\n", "banner", "bytes", "gzip -9", "× Garde", "what a page loads")
	smallest := true
	for _, r := range rows {
		fmt.Printf("%-28s %10d %10d %8.1f  %s\n", r.name, r.raw, r.gz, float64(r.gz)/float64(ours.gz), r.note)
		if r.name != ours.name && r.gz <= ours.gz {
			smallest = false
		}
	}
	fmt.Println(strings.Repeat("-", 80))
	if !smallest {
		fmt.Println("Garde's banner is NOT the smallest")
		os.Exit(1)
	}
	fmt.Println("Garde's banner is the smallest")
	return nil
}
