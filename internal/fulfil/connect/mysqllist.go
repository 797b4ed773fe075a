package connect

import (
	"database/sql/driver"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// MySQLList is a list of key values bound as one JSON array parameter,
// which MySQL and MariaDB unfold with JSON_TABLE: one parameter whatever
// the number of values, as on the other engines.
type MySQLList struct {
	json string
	// expr reads one value of the list from the JSON_TABLE column v.
	expr, column string
}

// Value sends the list as its JSON text.
func (l MySQLList) Value() (driver.Value, error) { return l.json, nil }

// In is the condition "col holds one of the list's values", with one
// placeholder for the list. col is an already quoted identifier.
func (l MySQLList) In(col string) string {
	return col + " IN (SELECT " + l.expr + " FROM JSON_TABLE(?, '$[*]' COLUMNS (v " + l.column + " PATH '$')) AS k)"
}

// MySQLInts is the list of whole numbers, compared as BIGINT so that an
// index on the column serves the lookup.
func MySQLInts(ints []int64) (MySQLList, error) {
	j, err := jsonArray(ints)
	return MySQLList{json: j, expr: "v", column: "BIGINT"}, err
}

// NewMySQLList builds the list of values read from the database: whole
// numbers, numbers, times, or else texts and bytes (values of mixed types
// are compared as texts).
//
// Texts are unfolded as JSON and unquoted: JSON_UNQUOTE's result gives way
// to the column's collation, where a text column of JSON_TABLE would clash
// with a column whose collation is not the database's default. Bytes that
// are not UTF-8 (BINARY keys) travel in hexadecimal.
func NewMySQLList(vals []any) (MySQLList, error) {
	var ints []int64
	var floats []float64
	var times []string
	texts := make([]string, len(vals))
	binary := false
	for i, v := range vals {
		switch x := v.(type) {
		case int64:
			ints = append(ints, x)
		case float64:
			floats = append(floats, x)
		case time.Time:
			// The session reads and writes times in UTC.
			times = append(times, x.UTC().Format("2006-01-02 15:04:05.999999"))
		}
		switch x := v.(type) {
		case []byte:
			texts[i] = string(x)
		case string:
			texts[i] = x
		default:
			texts[i] = fmt.Sprint(v)
		}
		binary = binary || !utf8.ValidString(texts[i])
	}
	switch len(vals) {
	case len(ints):
		return MySQLInts(ints)
	case len(floats):
		j, err := jsonArray(floats)
		return MySQLList{json: j, expr: "v", column: "DOUBLE"}, err
	case len(times):
		j, err := jsonArray(times)
		return MySQLList{json: j, expr: "v", column: "DATETIME(6)"}, err
	}
	if binary {
		for i, s := range texts {
			texts[i] = hex.EncodeToString([]byte(s))
		}
		j, err := jsonArray(texts)
		return MySQLList{json: j, expr: "UNHEX(JSON_UNQUOTE(v))", column: "JSON"}, err
	}
	j, err := jsonArray(texts)
	return MySQLList{json: j, expr: "JSON_UNQUOTE(v)", column: "JSON"}, err
}

func jsonArray(v any) (string, error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}
