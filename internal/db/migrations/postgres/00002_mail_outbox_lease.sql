-- +goose Up
-- A send in progress holds its row until locked_until, so a second run of
-- the same message (a duplicate job, another instance) waits instead of
-- sending it again.
ALTER TABLE mail_outbox ADD COLUMN locked_until TIMESTAMPTZ;

-- +goose Down
ALTER TABLE mail_outbox DROP COLUMN locked_until;
