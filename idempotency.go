package msgcenter

import (
	"context"
	"time"
)

// IdempotencyKeyTTL is how long a request's Idempotency-Key is remembered:
// within it a retry with the same key and body gets the first answer.
const IdempotencyKeyTTL = 24 * time.Hour

// IdempotentResult is a request remembered under its Idempotency-Key: the
// hash of what was asked and, once answered, the answer.
type IdempotentResult struct {
	// RequestHash identifies the request (method, path and body); the same
	// key with another hash is another request.
	RequestHash string
	// Status is 0 while the first request is still being answered.
	Status      int
	ContentType string
	Body        []byte
	CreatedAt   time.Time
}

// IdempotencyService remembers the answers of creating requests by the key
// their client sent, per scope (the admin who sent them).
type IdempotencyService interface {
	// ClaimIdempotencyKey records key as being answered for requestHash and
	// reports true, unless the scope already has the key from the last
	// IdempotencyKeyTTL: then it reports false with what is remembered. A
	// key older than that is forgotten and claimed afresh.
	ClaimIdempotencyKey(ctx context.Context, scope, key, requestHash string) (*IdempotentResult, bool, error)
	// CompleteIdempotencyKey stores the answer of a claimed key.
	CompleteIdempotencyKey(ctx context.Context, scope, key string, status int, contentType string, body []byte) error
	// ReleaseIdempotencyKey forgets a claimed key whose request failed in a
	// way a retry may mend (an internal error), so the retry runs again.
	ReleaseIdempotencyKey(ctx context.Context, scope, key string) error
}
