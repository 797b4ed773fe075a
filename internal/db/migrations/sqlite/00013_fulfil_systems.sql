-- +goose Up
-- The connection of an automatic system: its dataset (the YAML text the
-- operator gave, checked before it is saved) and its connection URL,
-- sealed with the instance's secret key because it usually holds a
-- password. url_hint is the URL with its password hidden, for the pages.
CREATE TABLE fulfil_connectors (
    system_id   TEXT PRIMARY KEY REFERENCES systems(id) ON DELETE CASCADE,
    dataset     TEXT NOT NULL,
    dataset_key TEXT NOT NULL,
    url_sealed  TEXT NOT NULL,
    url_hint    TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    updated_at  DATETIME NOT NULL
);

-- +goose Down
DROP TABLE fulfil_connectors;
