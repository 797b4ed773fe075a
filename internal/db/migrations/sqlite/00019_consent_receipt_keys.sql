-- +goose Up
-- The generations of the key that signs consent receipts. Each key
-- derives from the instance secret and its generation, so only the
-- number is kept; the newest signs, and every generation stays published
-- so receipts signed before a rotation still check. Generation 1 is the
-- key every instance signed with before rotation existed.
CREATE TABLE consent_receipt_keys (
    generation INTEGER PRIMARY KEY,
    created_at DATETIME NOT NULL,
    created_by TEXT NOT NULL
);
INSERT INTO consent_receipt_keys (generation, created_at, created_by) VALUES (1, CURRENT_TIMESTAMP, 'system');

-- +goose Down
DROP TABLE consent_receipt_keys;
