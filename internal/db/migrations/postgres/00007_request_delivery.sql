-- +goose Up
-- Delivery of a result: an agent hands chosen files of a request to the
-- person, who downloads them from their status page until the delivery
-- expires. While a delivery runs the file survives the request's closure;
-- once it has expired the usual closure and retention rules apply again.
-- downloads counts the person's downloads (each one is also in the audit
-- log).
ALTER TABLE request_attachments ADD COLUMN delivered_at TIMESTAMPTZ;
ALTER TABLE request_attachments ADD COLUMN delivery_expires_at TIMESTAMPTZ;
ALTER TABLE request_attachments ADD COLUMN delivered_by TEXT NOT NULL DEFAULT '';
ALTER TABLE request_attachments ADD COLUMN downloads INTEGER NOT NULL DEFAULT 0;
CREATE INDEX request_attachments_delivery ON request_attachments(delivery_expires_at);

-- +goose Down
DROP INDEX request_attachments_delivery;
ALTER TABLE request_attachments DROP COLUMN downloads;
ALTER TABLE request_attachments DROP COLUMN delivered_by;
ALTER TABLE request_attachments DROP COLUMN delivery_expires_at;
ALTER TABLE request_attachments DROP COLUMN delivered_at;
