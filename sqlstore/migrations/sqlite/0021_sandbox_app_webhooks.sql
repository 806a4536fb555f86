-- The secret of the msgcenter webhook URLs of a store's app on the local
-- Qiscus: msgcenter authenticates the sandbox's webhooks by it, as it does
-- a connected app's by the connection's inbound secret.
ALTER TABLE sandbox_apps ADD COLUMN webhook_secret TEXT NOT NULL DEFAULT '';
