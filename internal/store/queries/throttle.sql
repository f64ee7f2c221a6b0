-- name: ThrottleGet :one
SELECT * FROM login_throttle WHERE key = @key;

-- Counts one failure in a sliding window; locks the key once the limit is reached.
-- name: ThrottleFail :one
INSERT INTO login_throttle AS t (key, failures, window_start, locked_until)
VALUES (@key, 1, @now, CASE WHEN @max_failures::int <= 1 THEN @locked_until::timestamptz END)
ON CONFLICT (key) DO UPDATE SET
    failures     = CASE WHEN t.window_start < @window_floor::timestamptz THEN 1 ELSE t.failures + 1 END,
    window_start = CASE WHEN t.window_start < @window_floor::timestamptz THEN @now ELSE t.window_start END,
    locked_until = CASE
        WHEN (CASE WHEN t.window_start < @window_floor::timestamptz THEN 1 ELSE t.failures + 1 END) >= @max_failures::int
        THEN @locked_until::timestamptz
        ELSE t.locked_until END
RETURNING *;

-- name: ThrottleClear :exec
DELETE FROM login_throttle WHERE key = @key;

-- name: ThrottleDeleteStale :execrows
DELETE FROM login_throttle WHERE window_start < @before AND (locked_until IS NULL OR locked_until < now());

-- name: SessionDeleteExpired :execrows
DELETE FROM sessions WHERE expiry < now();
