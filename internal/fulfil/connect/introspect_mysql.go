package connect

import (
	"context"
)

// introspectMySQL reads the base tables of the connection's database from
// information_schema. Foreign keys to tables of other databases are left
// out: the dataset describes one database.
func (c *Conn) introspectMySQL(ctx context.Context) ([]Table, error) {
	byName := map[string]*Table{}
	var order []string
	rows, err := c.DB.QueryContext(ctx, `
SELECT col.TABLE_NAME, col.COLUMN_NAME, col.COLUMN_TYPE
FROM information_schema.COLUMNS col
JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = col.TABLE_SCHEMA AND t.TABLE_NAME = col.TABLE_NAME
WHERE col.TABLE_SCHEMA = DATABASE() AND t.TABLE_TYPE = 'BASE TABLE'
ORDER BY col.TABLE_NAME, col.ORDINAL_POSITION`)
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
SELECT tc.CONSTRAINT_TYPE, k.TABLE_NAME, k.COLUMN_NAME, COALESCE(k.REFERENCED_TABLE_NAME, ''), COALESCE(k.REFERENCED_COLUMN_NAME, '')
FROM information_schema.TABLE_CONSTRAINTS tc
JOIN information_schema.KEY_COLUMN_USAGE k ON k.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA
	AND k.TABLE_NAME = tc.TABLE_NAME AND k.CONSTRAINT_NAME = tc.CONSTRAINT_NAME
WHERE tc.TABLE_SCHEMA = DATABASE() AND (tc.CONSTRAINT_TYPE = 'PRIMARY KEY'
	OR (tc.CONSTRAINT_TYPE = 'FOREIGN KEY' AND k.REFERENCED_TABLE_SCHEMA = k.TABLE_SCHEMA))
ORDER BY k.TABLE_NAME, tc.CONSTRAINT_NAME, k.ORDINAL_POSITION`)
	if err != nil {
		return nil, err
	}
	return keyedTables(rows, "PRIMARY KEY", byName, order)
}
