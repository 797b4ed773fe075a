package secrets

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/garde-privacy/garde/internal/config"
)

func TestKeyFileCreatedWith0600AndReused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data") // not there yet
	cfg := &config.Config{DataDir: dir}
	b1, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(dir, KeyFileName))
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %04o, want 0600", st.Mode().Perm())
	}
	if st.Size() != KeySize {
		t.Fatalf("key file holds %d bytes", st.Size())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("data directory holds %d entries, want only the key file", len(entries))
	}
	sealed, err := b1.Seal([]byte("x"), "test:1")
	if err != nil {
		t.Fatal(err)
	}
	// A restart reads the same key.
	b2, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := b2.Open(sealed, "test:1"); err != nil || string(got) != "x" {
		t.Fatalf("after restart: %q, %v", got, err)
	}
}

func TestKeyFileRefused(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no permission bits")
	}
	cases := []struct {
		name string
		mode os.FileMode
		size int
		want string
	}{
		{"readable by others", 0o644, KeySize, "chmod 600"},
		{"readable by the group", 0o640, KeySize, "chmod 600"},
		{"too short", 0o600, 16, "exactly 32"},
		{"base64 text instead of bytes", 0o600, 45, "exactly 32"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, KeyFileName)
			if err := os.WriteFile(path, make([]byte, tc.size), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, tc.mode); err != nil {
				t.Fatal(err)
			}
			_, err := Open(&config.Config{DataDir: dir})
			if err == nil {
				t.Fatal("opened")
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.want) || !strings.Contains(msg, path) || strings.Contains(msg, "\n") {
				t.Fatalf("error %q: want one line naming the file and %q", msg, tc.want)
			}
		})
	}
	t.Run("a directory", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.Mkdir(filepath.Join(dir, KeyFileName), 0o700); err != nil {
			t.Fatal(err)
		}
		if _, err := Open(&config.Config{DataDir: dir}); err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestConfiguredKeysWinOverTheFile(t *testing.T) {
	dir := t.TempDir()
	k1, k2 := randomKey(t), randomKey(t)
	cfg := &config.Config{DataDir: dir, SecretKey: base64.StdEncoding.EncodeToString(k2) + ", " + base64.RawURLEncoding.EncodeToString(k1)}
	b, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, KeyFileName)); !os.IsNotExist(err) {
		t.Fatalf("a key file was created although secret_key is set: %v", err)
	}
	old := newBox(t, k1)
	sealed, _ := old.Seal([]byte("v"), "test:1")
	if got, err := b.Open(sealed, "test:1"); err != nil || string(got) != "v" {
		t.Fatalf("value of the second configured key: %q, %v", got, err)
	}
	if b.KeyID() != newBox(t, k2).KeyID() {
		t.Fatal("the first configured key is not the current one")
	}

	for _, bad := range []string{"not base64!", base64.StdEncoding.EncodeToString(make([]byte, 16)), base64.StdEncoding.EncodeToString(k1) + ",,"} {
		_, err := Open(&config.Config{DataDir: dir, SecretKey: bad})
		if err == nil || !strings.Contains(err.Error(), "secret_key") || strings.Contains(err.Error(), bad) {
			t.Errorf("secret_key %q: err = %v (must name the setting, never echo the key)", bad, err)
		}
	}
}
