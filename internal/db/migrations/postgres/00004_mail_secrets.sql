-- +goose Up
-- The one-time secrets (setup links, verification codes) written into a
-- queued email, as a JSON array of strings. Once the email is sent or given
-- up on, the worker replaces them in the stored subject and bodies with a
-- marker and empties this column, so the stored copy stays the record of
-- what was said without holding a working link.
ALTER TABLE mail_outbox ADD COLUMN secrets TEXT NOT NULL DEFAULT '[]';

-- +goose Down
ALTER TABLE mail_outbox DROP COLUMN secrets;
