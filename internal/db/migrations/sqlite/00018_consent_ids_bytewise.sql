-- +goose Up
-- PostgreSQL's ledger identifiers now compare byte by byte; SQLite's
-- text columns always did (BINARY collation). Nothing to change: the
-- version is kept so both databases count the same migrations.
SELECT 1;

-- +goose Down
SELECT 1;
