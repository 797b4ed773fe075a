-- +goose Up
-- Tombstones of erasures: a keyed hash (HMAC-SHA-256 with the erasure key)
-- of each identity a system was erased for, never the identity itself. A
-- backup restored or a list imported again brings the person back; the
-- tombstones let Garde find them and erase them again.
CREATE TABLE fulfil_tombstones (
    hash         TEXT NOT NULL,
    identity_key TEXT NOT NULL,
    dataset      TEXT NOT NULL,
    erased_at    DATETIME NOT NULL,
    PRIMARY KEY (hash, dataset)
);

-- +goose Down
DROP TABLE fulfil_tombstones;
