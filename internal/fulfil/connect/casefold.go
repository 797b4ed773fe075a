package connect

import (
	"context"
	"database/sql"
	"errors"
	"strings"
)

// Folding says how a text column can be compared with a value without
// regard to case while a lookup still goes through an index.
type Folding int

const (
	// FoldSpellings: no index compares without case. The column is
	// compared with a few spellings of the value (as given, lower case,
	// domain in lower case), each an index lookup; a value stored in
	// another mixture of cases is not found.
	FoldSpellings Folding = iota
	// FoldLower: an index on lower(column) exists; lower(column) is
	// compared with lower(value), which finds every mixture of cases.
	FoldLower
	// FoldColumn: the column compares without case by itself (PostgreSQL
	// citext) or through an index with SQLite's NOCASE collation.
	FoldColumn
)

// Folding finds, once per connection, how column of table (in schema when
// not empty) compares without case.
func (c *Conn) Folding(ctx context.Context, schema, table, column string) (Folding, error) {
	key := schema + "\x00" + table + "\x00" + column
	if f, ok := c.folds.Load(key); ok {
		return f.(Folding), nil
	}
	var f Folding
	var err error
	switch c.Dialect {
	case SQLite:
		f, err = c.foldingSQLite(ctx, table, column)
	case Postgres:
		f, err = c.foldingPostgres(ctx, schema, table, column)
	case MySQL:
		f, err = c.foldingMySQL(ctx, schema, table, column)
	}
	if err != nil {
		return FoldSpellings, err
	}
	c.folds.Store(key, f)
	return f, nil
}

func (c *Conn) foldingSQLite(ctx context.Context, table, column string) (Folding, error) {
	// One query: the first key of each complete index of the table, with
	// its collation and the index's SQL (cid -2 marks an expression).
	rows, err := c.DB.QueryContext(ctx, `SELECT x.cid, x.name, x.coll, s.sql FROM pragma_index_list(?) l
		JOIN pragma_index_xinfo(l.name) x ON x.seqno = 0
		LEFT JOIN sqlite_schema s ON s.type = 'index' AND s.name = l.name
		WHERE l.partial = 0`, table)
	if err != nil {
		return FoldSpellings, err
	}
	defer rows.Close()
	best := FoldSpellings
	for rows.Next() {
		var cid int
		var name, coll, q sql.NullString
		if err := rows.Scan(&cid, &name, &coll, &q); err != nil {
			return FoldSpellings, err
		}
		switch {
		case cid >= 0 && strings.EqualFold(name.String, column) && strings.EqualFold(coll.String, "NOCASE"):
			return FoldColumn, nil
		case cid == -2 && firstIndexedIsLower(q.String, column):
			best = FoldLower
		}
	}
	return best, rows.Err()
}

// firstIndexedIsLower reports whether the first key of a SQLite CREATE
// INDEX statement is lower(column). SQLite names are case-insensitive.
func firstIndexedIsLower(createIndex, column string) bool {
	s := strings.ToLower(createIndex)
	open := strings.Index(s, "(")
	if open < 0 {
		return false
	}
	s = strings.NewReplacer(`"`, "", "`", "", "[", "", "]", "", " ", "", "\t", "", "\n", "").Replace(s[open:])
	return strings.HasPrefix(s, "(lower("+strings.ToLower(column)+")")
}

func (c *Conn) foldingPostgres(ctx context.Context, schema, table, column string) (Folding, error) {
	rel := quoteIdent(table)
	if schema != "" {
		rel = quoteIdent(schema) + "." + rel
	}
	// One round trip: the column's type and the first key of each complete
	// index of the table that is an expression, one per line.
	var typ string
	var exprs sql.NullString
	err := c.DB.QueryRowContext(ctx, `SELECT format_type(a.atttypid, a.atttypmod),
		(SELECT string_agg(pg_get_indexdef(i.indexrelid, 1, false), E'\n') FROM pg_index i
		 WHERE i.indrelid = a.attrelid AND i.indpred IS NULL AND i.indkey[0] = 0)
		FROM pg_attribute a WHERE a.attrelid = to_regclass($1) AND a.attname = $2 AND NOT a.attisdropped`, rel, column).Scan(&typ, &exprs)
	if errors.Is(err, sql.ErrNoRows) {
		return FoldSpellings, nil
	}
	if err != nil {
		return FoldSpellings, err
	}
	if typ == "citext" || strings.HasSuffix(typ, ".citext") {
		return FoldColumn, nil
	}
	for _, def := range strings.Split(exprs.String, "\n") {
		if isLowerOf(def, column) {
			return FoldLower, nil
		}
	}
	return FoldSpellings, nil
}

// isLowerOf reports whether a PostgreSQL index expression is lower(column),
// possibly with the column cast to text (as PostgreSQL prints an index on
// lower() of a varchar column).
func isLowerOf(def, column string) bool {
	s := strings.TrimSpace(def)
	s = strings.TrimPrefix(s, "lower(")
	if len(s) == len(def) || !strings.HasSuffix(s, ")") {
		return false
	}
	s = strings.TrimSuffix(s, ")")
	s = strings.TrimSuffix(strings.TrimSuffix(s, "::text"), "::character varying")
	s = strings.TrimSuffix(strings.TrimPrefix(s, "("), ")")
	s = strings.TrimSuffix(strings.TrimSuffix(s, "::text"), "::character varying")
	return s == column || s == quoteIdent(column)
}

// quoteIdent quotes a name for PostgreSQL and SQLite.
func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}
