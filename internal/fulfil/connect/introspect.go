package connect

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
)

// Table is the structure of one table.
type Table struct {
	Name        string
	Columns     []Column
	PrimaryKey  []string
	ForeignKeys []ForeignKey
}

// Column is one column and its declared type.
type Column struct {
	Name string
	Type string
}

// ForeignKey says Column holds values of RefTable.RefColumn.
type ForeignKey struct {
	Column, RefTable, RefColumn string
}

// Introspect reads the tables of the database (on PostgreSQL, of the
// connection's current schema), with their columns, primary and foreign
// keys. Names come back as the database spells them; the caller checks them.
func (c *Conn) Introspect(ctx context.Context) ([]Table, error) {
	switch c.Dialect {
	case SQLite:
		return c.introspectSQLite(ctx)
	case MySQL:
		return c.introspectMySQL(ctx)
	}
	return c.introspectPostgres(ctx)
}

func (c *Conn) introspectSQLite(ctx context.Context) ([]Table, error) {
	names, err := c.strings(ctx, `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	var out []Table
	for _, n := range names {
		t := Table{Name: n}
		// The table-valued pragmas take the name as a bound parameter.
		rows, err := c.DB.QueryContext(ctx, `SELECT name, type, pk FROM pragma_table_info(?) ORDER BY cid`, n)
		if err != nil {
			return nil, err
		}
		pks := map[int]string{}
		for rows.Next() {
			var col Column
			var pk int
			if err := rows.Scan(&col.Name, &col.Type, &pk); err != nil {
				rows.Close()
				return nil, err
			}
			t.Columns = append(t.Columns, col)
			if pk > 0 {
				pks[pk] = col.Name
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		for i := 1; i <= len(pks); i++ {
			t.PrimaryKey = append(t.PrimaryKey, pks[i])
		}
		rows, err = c.DB.QueryContext(ctx, `SELECT "from", "table", coalesce("to", '') FROM pragma_foreign_key_list(?) ORDER BY id, seq`, n)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var fk ForeignKey
			if err := rows.Scan(&fk.Column, &fk.RefTable, &fk.RefColumn); err != nil {
				rows.Close()
				return nil, err
			}
			t.ForeignKeys = append(t.ForeignKeys, fk)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	// A foreign key written without its column refers to the primary key.
	byName := map[string]*Table{}
	for i := range out {
		byName[out[i].Name] = &out[i]
	}
	for i := range out {
		for j, fk := range out[i].ForeignKeys {
			if ref := byName[fk.RefTable]; fk.RefColumn == "" && ref != nil && len(ref.PrimaryKey) == 1 {
				out[i].ForeignKeys[j].RefColumn = ref.PrimaryKey[0]
			}
		}
	}
	return out, nil
}

func (c *Conn) introspectPostgres(ctx context.Context) ([]Table, error) {
	byName := map[string]*Table{}
	var order []string
	rows, err := c.DB.QueryContext(ctx, `
SELECT cl.relname, a.attname, format_type(a.atttypid, a.atttypmod)
FROM pg_class cl
JOIN pg_namespace n ON n.oid = cl.relnamespace
JOIN pg_attribute a ON a.attrelid = cl.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE n.nspname = current_schema() AND cl.relkind IN ('r', 'p')
ORDER BY cl.relname, a.attnum`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var tbl string
		var col Column
		if err := rows.Scan(&tbl, &col.Name, &col.Type); err != nil {
			rows.Close()
			return nil, err
		}
		t := byName[tbl]
		if t == nil {
			t = &Table{Name: tbl}
			byName[tbl] = t
			order = append(order, tbl)
		}
		t.Columns = append(t.Columns, col)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = c.DB.QueryContext(ctx, `
SELECT c.contype, cl.relname, a.attname, coalesce(rcl.relname, ''), coalesce(ra.attname, '')
FROM pg_constraint c
JOIN pg_class cl ON cl.oid = c.conrelid
JOIN pg_namespace n ON n.oid = cl.relnamespace
CROSS JOIN LATERAL unnest(c.conkey, coalesce(c.confkey, c.conkey)) WITH ORDINALITY AS k(col, rcol, pos)
JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.col
LEFT JOIN pg_class rcl ON rcl.oid = c.confrelid
LEFT JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = k.rcol
WHERE n.nspname = current_schema() AND c.contype IN ('p', 'f')
ORDER BY cl.relname, c.conname, k.pos`)
	if err != nil {
		return nil, err
	}
	return keyedTables(rows, "p", byName, order)
}

// keyedTables reads key columns (kind, table, column, referenced table,
// referenced column; primary marks the primary key's kind) into the
// tables, and returns them sorted by name, in byte order whatever the
// server's collation.
func keyedTables(rows *sql.Rows, primary string, byName map[string]*Table, order []string) ([]Table, error) {
	defer rows.Close()
	for rows.Next() {
		var kind, tbl, col, rtbl, rcol string
		if err := rows.Scan(&kind, &tbl, &col, &rtbl, &rcol); err != nil {
			return nil, err
		}
		t := byName[tbl]
		if t == nil {
			continue
		}
		if kind == primary {
			t.PrimaryKey = append(t.PrimaryKey, col)
		} else {
			t.ForeignKeys = append(t.ForeignKeys, ForeignKey{Column: col, RefTable: rtbl, RefColumn: rcol})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sort.Strings(order)
	out := make([]Table, len(order))
	for i, n := range order {
		out[i] = *byName[n]
	}
	return out, nil
}

func (c *Conn) strings(ctx context.Context, q string) ([]string, error) {
	rows, err := c.DB.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("reading the tables: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// TypeOf maps a declared column type to a Fides data_type.
func TypeOf(declared string) string {
	t := strings.ToLower(declared)
	switch {
	case strings.Contains(t, "int") || t == "serial" || t == "bigserial":
		return "integer"
	case strings.Contains(t, "bool"):
		return "boolean"
	case strings.Contains(t, "real") || strings.Contains(t, "floa") || strings.Contains(t, "doub") ||
		strings.Contains(t, "numeric") || strings.Contains(t, "decimal"):
		return "float"
	case strings.Contains(t, "char") || strings.Contains(t, "text") || strings.Contains(t, "clob") ||
		strings.Contains(t, "uuid") || strings.Contains(t, "citext"):
		return "string"
	}
	// Dates, times, JSON and binary values are read as they are.
	return ""
}
