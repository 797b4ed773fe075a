package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/spf13/pflag"
)

// FileEnv is the environment variable naming the YAML configuration file.
const FileEnv = "GARDE_CONFIG"

// Error is a configuration problem, naming the key and where its value came from.
type Error struct {
	Key    string
	Source string
	Msg    string
}

func (e *Error) Error() string {
	if e.Key == "" {
		return fmt.Sprintf("configuration (%s): %s", e.Source, e.Msg)
	}
	return fmt.Sprintf("configuration: %s (from %s): %s", e.Key, e.Source, e.Msg)
}

// RegisterFlags adds one flag per option, plus --config, to fs.
func RegisterFlags(fs *pflag.FlagSet) {
	fs.String("config", "", "YAML configuration file (env "+FileEnv+")")
	for _, o := range Options {
		help := fmt.Sprintf("%s (env %s)", o.Help, o.Env())
		fs.String(o.Flag(), o.Default, help)
	}
}

// Load resolves the configuration: defaults, then the YAML file (from
// --config or GARDE_CONFIG), then the environment, then the flags that were
// set. environ is os.Environ()-shaped so tests can pass their own.
func Load(fs *pflag.FlagSet, environ []string) (*Config, error) {
	c := &Config{Sources: map[string]string{}}
	var errs []error
	byKey := map[string]Option{}
	for _, o := range Options {
		byKey[o.Key] = o
		if err := o.set(c, o.Default); err != nil {
			panic("config: bad default for " + o.Key)
		}
		c.Sources[o.Key] = "default"
	}
	env := map[string]string{}
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}

	file := env[FileEnv]
	fileSource := "env " + FileEnv
	if fs != nil {
		if f := fs.Lookup("config"); f != nil && f.Changed {
			file, fileSource = f.Value.String(), "flag --config"
		}
	}
	if file != "" {
		values, err := readFile(file)
		if err != nil {
			return nil, &Error{Source: fileSource, Msg: err.Error()}
		}
		for _, kv := range values {
			o, ok := byKey[kv.key]
			if !ok {
				errs = append(errs, &Error{Key: kv.key, Source: kv.where, Msg: "unknown key" + suggest(kv.key)})
				continue
			}
			if err := o.set(c, kv.value); err != nil {
				errs = append(errs, &Error{Key: o.Key, Source: kv.where, Msg: err.Error()})
				continue
			}
			c.Sources[o.Key] = kv.where
		}
	}

	known := map[string]bool{FileEnv: true}
	for _, o := range Options {
		known[o.Env()] = true
		if v, ok := env[o.Env()]; ok {
			if err := o.set(c, v); err != nil {
				errs = append(errs, &Error{Key: o.Key, Source: "env " + o.Env(), Msg: err.Error()})
				continue
			}
			c.Sources[o.Key] = "env " + o.Env()
		}
	}
	var unknownEnv []string
	for k := range env {
		if strings.HasPrefix(k, "GARDE_") && !known[k] && !strings.HasPrefix(k, "GARDE_TEST_") {
			unknownEnv = append(unknownEnv, k)
		}
	}
	sort.Strings(unknownEnv)
	for _, k := range unknownEnv {
		key := strings.ToLower(strings.TrimPrefix(k, "GARDE_"))
		errs = append(errs, &Error{Key: key, Source: "env " + k, Msg: "unknown setting" + suggest(key)})
	}

	if fs != nil {
		for _, o := range Options {
			f := fs.Lookup(o.Flag())
			if f == nil || !f.Changed {
				continue
			}
			if err := o.set(c, f.Value.String()); err != nil {
				errs = append(errs, &Error{Key: o.Key, Source: "flag --" + o.Flag(), Msg: err.Error()})
				continue
			}
			c.Sources[o.Key] = "flag --" + o.Flag()
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return c, nil
}

type fileValue struct {
	key, value, where string
}

// readFile reads a flat YAML mapping of option keys to scalar values and
// remembers the line of each key for error messages.
func readFile(path string) ([]fileValue, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %v", path, errors.Unwrap(err))
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil
	}
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, fmt.Errorf("%s is not valid YAML: %s", path, yaml.FormatError(err, false, false))
	}
	if len(f.Docs) != 1 || f.Docs[0].Body == nil {
		return nil, fmt.Errorf("%s must hold one YAML mapping of settings", path)
	}
	m, ok := f.Docs[0].Body.(*ast.MappingNode)
	if !ok {
		return nil, fmt.Errorf("%s must hold one YAML mapping of settings (key: value)", path)
	}
	var out []fileValue
	for _, kv := range m.Values {
		where := fmt.Sprintf("%s:%d", path, kv.Key.GetToken().Position.Line)
		key := kv.Key.String()
		switch v := kv.Value.(type) {
		case *ast.MappingNode, *ast.SequenceNode:
			return nil, fmt.Errorf("%s: %s must be a single value", where, key)
		case *ast.NullNode:
			out = append(out, fileValue{key: key, value: "", where: where})
		case *ast.StringNode:
			out = append(out, fileValue{key: key, value: v.Value, where: where})
		default:
			out = append(out, fileValue{key: key, value: kv.Value.String(), where: where})
		}
	}
	return out, nil
}

func suggest(key string) string {
	best, bestD := "", 3
	for _, o := range Options {
		if d := distance(key, o.Key); d < bestD {
			best, bestD = o.Key, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %s?)", best)
}

// distance is the Levenshtein distance, for "did you mean" hints.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
