-- +goose Up
-- A connector is a database (dataset + sealed URL, as before) or an HTTP
-- endpoint of the business: then url_sealed holds the endpoint, dataset
-- is empty, dataset_key names the system in access packages, and
-- secret_sealed the key that signs the calls.
ALTER TABLE fulfil_connectors ADD COLUMN kind TEXT NOT NULL DEFAULT 'database';
ALTER TABLE fulfil_connectors ADD COLUMN secret_sealed TEXT NOT NULL DEFAULT '';

-- The corrections an agent entered for a rectification task, sealed (they
-- are personal data) until the task's job has applied them.
CREATE TABLE fulfil_task_changes (
    task_id        TEXT PRIMARY KEY REFERENCES request_tasks(id) ON DELETE CASCADE,
    changes_sealed TEXT NOT NULL,
    fields         TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE fulfil_task_changes;
ALTER TABLE fulfil_connectors DROP COLUMN secret_sealed;
ALTER TABLE fulfil_connectors DROP COLUMN kind;
