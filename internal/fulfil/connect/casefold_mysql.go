package connect

import (
	"context"
	"database/sql"
	"errors"
	"strings"
)

// foldingMySQL reads the column's collation: MySQL and MariaDB compare
// without case under the _ci collations (their default), and an index on
// the column then serves the comparison as it is.
func (c *Conn) foldingMySQL(ctx context.Context, schema, table, column string) (Folding, error) {
	var coll sql.NullString
	err := c.DB.QueryRowContext(ctx, `SELECT COLLATION_NAME FROM information_schema.COLUMNS
		WHERE TABLE_SCHEMA = COALESCE(NULLIF(?, ''), DATABASE()) AND TABLE_NAME = ? AND COLUMN_NAME = ?`,
		schema, table, column).Scan(&coll)
	if errors.Is(err, sql.ErrNoRows) {
		return FoldSpellings, nil
	}
	if err != nil {
		return FoldSpellings, err
	}
	if strings.HasSuffix(strings.ToLower(coll.String), "_ci") {
		return FoldColumn, nil
	}
	return FoldSpellings, nil
}
