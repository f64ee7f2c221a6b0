-- Sign-in that holds, password resets, and system mail.
--
-- login_throttle now counts attempts before the password is checked (failures are the attempts
-- not refunded by a success); its layout is unchanged.
COMMENT ON COLUMN login_throttle.failures IS 'attempts counted in the window and not refunded by a successful sign-in';

-- A "forgot password" link. Global, like users. Only the SHA-256 of the link's secret is stored.
-- A link works once, for at most an hour, and is voided by a newer link or any password change.
CREATE TABLE password_resets (
    id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash  bytea       NOT NULL,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    voided_at   timestamptz,
    CONSTRAINT password_resets_token_key UNIQUE (token_hash)
);
CREATE INDEX password_resets_user_idx ON password_resets (user_id) WHERE used_at IS NULL AND voided_at IS NULL;
CREATE INDEX password_resets_expires_idx ON password_resets (expires_at);

-- The development mail sink: system mail and replies sent while SHOPDESK_ENV is development (or
-- test) and no relay is configured. Not tenant data: it is a developer's outbox, shown at /dev/mail
-- and never served in production.
CREATE TABLE dev_mail (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    received_at timestamptz NOT NULL DEFAULT now(),
    mail_from   text        NOT NULL,
    rcpt_to     text[]      NOT NULL,
    subject     text        NOT NULL,
    raw         bytea       NOT NULL
);

-- Invitations are mailed by a job; the people page shows whether the mail went out.
ALTER TABLE invitations
    ADD COLUMN mailed_at  timestamptz,
    ADD COLUMN mail_error text;

-- Invitations made before this were never mailed and never will be: the page says so.
UPDATE invitations SET mail_error = 'made before invitations were mailed'
WHERE mailed_at IS NULL AND mail_error IS NULL;
