package secrets

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"

	"github.com/garde-privacy/garde/internal/config"
)

// KeyFileName is the master key's file in the data directory, used when
// secret_key is not set.
const KeyFileName = "secret.key"

// Open returns the box of the configuration: the keys of secret_key when
// set, else the key in the data directory's secret.key, created (32 random
// bytes, mode 0600) on first start. A key file others may read, or of the
// wrong size, is refused with a one-line error saying what to do.
func Open(cfg *config.Config) (*Box, error) {
	keys, err := config.ParseSecretKeys(cfg.SecretKey)
	if err != nil {
		return nil, fmt.Errorf("configuration: secret_key: %w", err)
	}
	if len(keys) > 0 {
		return New(keys[0], keys[1:]...)
	}
	k, err := loadKeyFile(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	return New(k)
}

// loadKeyFile reads dir/secret.key, creating it when missing.
func loadKeyFile(dir string) ([]byte, error) {
	path := filepath.Join(dir, KeyFileName)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		if err := createKeyFile(dir, path); err != nil {
			return nil, err
		}
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("secret key file %s: %v", path, cause(err))
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("secret key file %s is not a regular file", path)
	}
	// Windows has no such permission bits; its ACLs are the operator's.
	if perm := st.Mode().Perm(); perm&0o077 != 0 && runtime.GOOS != "windows" {
		return nil, fmt.Errorf("secret key file %s may be read by other users (mode %04o): run chmod 600 %s", path, perm, path)
	}
	if st.Size() != KeySize {
		return nil, fmt.Errorf("secret key file %s must hold exactly %d random bytes, not %d: restore the right file (a new key cannot open what the old one sealed), or set secret_key", path, KeySize, st.Size())
	}
	k, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("secret key file %s: %v", path, cause(err))
	}
	if len(k) != KeySize {
		return nil, fmt.Errorf("secret key file %s changed while being read", path)
	}
	return k, nil
}

// createKeyFile writes a fresh key next to path and links it into place,
// so a second instance starting at the same moment either finds no file or
// a complete one, and the first key written wins.
func createKeyFile(dir, path string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("cannot create the data directory %s: %v", dir, cause(err))
	}
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		return fmt.Errorf("secret key: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".secret.key-*") // mode 0600
	if err != nil {
		return fmt.Errorf("cannot create the secret key file in %s: %v", dir, cause(err))
	}
	defer os.Remove(tmp.Name())
	_, werr := tmp.Write(k)
	if werr == nil {
		werr = tmp.Sync()
	}
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return fmt.Errorf("cannot write the secret key file in %s: %v", dir, werr)
	}
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("cannot create the secret key file %s: %v", path, cause(err))
	}
	return nil
}

// cause is the reason of a file-system error without the path, which the
// message names already.
func cause(err error) error {
	if u := errors.Unwrap(err); u != nil {
		return u
	}
	return err
}
