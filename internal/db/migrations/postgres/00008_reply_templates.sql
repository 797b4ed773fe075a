-- +goose Up
-- Reply templates: ready-made answers an agent starts a reply from. Each
-- holds the same text in English, French and Dutch, since a person always
-- gets the reply in the language they wrote in. request_type, when set,
-- says which kind of request the template is meant for ('' for any).
CREATE TABLE reply_templates (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    body_en      TEXT NOT NULL,
    body_fr      TEXT NOT NULL,
    body_nl      TEXT NOT NULL,
    request_type TEXT NOT NULL DEFAULT '',
    created_by   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX reply_templates_name ON reply_templates(name);

-- The starter templates are added once, on first use, when no template
-- exists yet; this row remembers it was done, so templates an admin
-- deleted do not come back.
CREATE TABLE reply_template_seeds (
    name      TEXT PRIMARY KEY,
    seeded_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE reply_template_seeds;
DROP TABLE reply_templates;
