-- name: ThrottleGet :one
SELECT * FROM login_throttle WHERE key = @key;

-- Counts one attempt against a key before the password is checked, in one statement, so parallel
-- attempts cannot all read the same count: attempt n of the window returns failures = n. The
-- attempt that reaches the limit locks the key (it is still checked); the caller refuses any attempt
-- whose count is over the limit. A window or lock that has run out starts over at 1.
-- name: ThrottleAttempt :one
INSERT INTO login_throttle AS t (key, failures, window_start, locked_until)
VALUES (@key, 1, @now, CASE WHEN @max_attempts::int <= 1 THEN @locked_until::timestamptz END)
ON CONFLICT (key) DO UPDATE SET
    failures = CASE
        WHEN (t.locked_until IS NULL AND t.window_start < @window_floor::timestamptz) OR t.locked_until <= @now THEN 1
        ELSE t.failures + 1 END,
    window_start = CASE
        WHEN (t.locked_until IS NULL AND t.window_start < @window_floor::timestamptz) OR t.locked_until <= @now THEN @now
        ELSE t.window_start END,
    locked_until = CASE
        WHEN (t.locked_until IS NULL AND t.window_start < @window_floor::timestamptz) OR t.locked_until <= @now
            THEN CASE WHEN @max_attempts::int <= 1 THEN @locked_until::timestamptz END
        WHEN t.locked_until IS NOT NULL THEN t.locked_until
        WHEN t.failures + 1 >= @max_attempts::int THEN @locked_until::timestamptz
        END
RETURNING *;

-- Gives back an attempt that was not a failed guess (a right password, or one never checked
-- because the process was busy); a key back under its limit is unlocked.
-- name: ThrottleRefund :exec
UPDATE login_throttle SET
    failures = greatest(failures - 1, 0),
    locked_until = CASE WHEN failures - 1 < @max_attempts::int THEN NULL ELSE locked_until END
WHERE key = @key;

-- name: ThrottleClear :exec
DELETE FROM login_throttle WHERE key = @key;

-- name: ThrottleDeleteStale :execrows
DELETE FROM login_throttle WHERE window_start < @before AND (locked_until IS NULL OR locked_until < now());

-- name: SessionDeleteExpired :execrows
DELETE FROM sessions WHERE expiry < now();

-- Lifts every sign-in pause of an account, from any address (after a password reset).
-- name: ThrottleClearAccount :exec
DELETE FROM login_throttle
WHERE key = 'account:' || @email::text OR left(key, length('account:' || @email::text || '|')) = 'account:' || @email::text || '|';
