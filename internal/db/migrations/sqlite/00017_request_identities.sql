-- +goose Up
-- Identities an agent added to a verified request besides its email (a
-- phone number, a customer or account id, a key of the business's own
-- datasets), each with how it was confirmed. The fulfilment runs look the
-- person up by all of them. Deleted with the request's personal data.
CREATE TABLE request_identities (
    request_id TEXT NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
    identity_key   TEXT NOT NULL,
    identity_value TEXT NOT NULL,
    method     TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    added_by   TEXT NOT NULL,
    added_at   DATETIME NOT NULL,
    PRIMARY KEY (request_id, identity_key)
);

-- +goose Down
DROP TABLE request_identities;
