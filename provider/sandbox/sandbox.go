// Package sandbox is the simulated omnichannel, msgcenter's embedded default
// provider. Its channels and rooms are the store's own tables; every message
// it carries, both ways, is a sandbox_messages row, and the faults it injects
// into its next sends are sandbox_faults rows, so every process sharing the
// database sees the same conversations and consumes the same faults.
//
// It behaves like a real platform: a room must exist in the sender's store, a
// WhatsApp room whose customer has not written for 24 hours refuses session
// messages, and it can be made slow, failing, or to lose its answers.
//
// The SQL is the same on SQLite and PostgreSQL ($n placeholders, RETURNING),
// and a send has one path: one statement stores the usual message, and only
// when it stores nothing does a second look find out why.
package sandbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/qiscus/msgcenter"
)

var _ msgcenter.FullProvider = (*Provider)(nil)

// Provider is the sandbox omnichannel over msgcenter's database.
type Provider struct {
	db *sql.DB

	// Now returns the current time; tests replace it to move the clock. It
	// must be set before the Provider is shared between goroutines.
	Now func() time.Time

	latency atomic.Int64 // time.Duration added before every send

	// self and hookClient are where and how webhooks are posted (SetSelf).
	self       func() string
	hookClient *http.Client

	apps sync.Map // app id → *App, as issued (see authApp)
}

// sendItem is one send: the message, its time, and the start of the session
// window its room must have been written in.
type sendItem struct {
	storeID, roomID  int64
	text, label, url string
	now, since       time.Time
}

// noFaultPending holds when no injected fault waits for a send of the
// room r's store.
const noFaultPending = `NOT EXISTS (SELECT 1 FROM sandbox_faults f WHERE f.store_id = r.store_id AND f.remaining > 0)`

// usualCond is the condition of the usual send, on the room r, with the
// window's start as $7: the customer wrote since, and no fault is pending.
const usualCond = ` AND r.last_inbound_at >= $7 AND ` + noFaultPending

// insertOut stores it as an outbound text message of its room when the room
// is its store's and cond, on the room r with its own arguments from $7,
// holds. It returns sql.ErrNoRows when it stored nothing.
func insertOut(ctx context.Context, db *sql.DB, it sendItem, cond string, condArgs ...any) (int64, error) {
	var id int64
	err := db.QueryRowContext(ctx, `
		INSERT INTO sandbox_messages (store_id, room_id, channel_id, direction, kind, text, button_label, button_url, created_at)
		SELECT r.store_id, r.id, r.channel_id, 'out', 'text', $3, $4, $5, $6
		FROM rooms r
		WHERE r.store_id = $1 AND r.id = $2`+cond+`
		RETURNING id`,
		append([]any{it.storeID, it.roomID, it.text, it.label, it.url, it.now}, condArgs...)...).Scan(&id)
	return id, err
}

// New returns a sandbox provider on db, the database msgcenter's store opened
// (its migrations create the sandbox tables). A nil now means time.Now.
func New(db *sql.DB, now func() time.Time) *Provider {
	if now == nil {
		now = time.Now
	}
	return &Provider{db: db, Now: now}
}

// SetLatency makes every later send wait d before it does anything, as a
// remote platform would; the wait ends early when the send's context does.
func (p *Provider) SetLatency(d time.Duration) { p.latency.Store(int64(max(d, 0))) }

// now returns the clock's time in UTC at the microsecond precision both
// engines keep.
func (p *Provider) now() time.Time { return p.Now().UTC().Truncate(time.Microsecond) }

// timeoutWait bounds how long a "timeout" fault holds a send whose context
// has no deadline.
const timeoutWait = 30 * time.Second

// Send delivers a session message to m.Room in m.StoreID's sandbox. The
// outcomes, each an error of type *msgcenter.ProviderError:
//   - the room does not exist in the store: ProviderPermanent, ReasonUndeliverable;
//   - a WhatsApp room whose last inbound message is older than the session
//     window at p.Now: ProviderSessionExpired, ReasonSessionExpired;
//   - an injected fault of the store (see FaultMode), or a database error or
//     cancelled context: ProviderTransient.
//
// On success the message is stored as an outbound text message of the room
// and its id is returned as "sbx-<id>". The sandbox does not de-duplicate by
// m.Key: like most platforms it delivers every send it accepts.
func (p *Provider) Send(ctx context.Context, m *msgcenter.OutboundMessage) (*msgcenter.SendResult, error) {
	if m == nil || m.Room == nil {
		return nil, permanent("sandbox: no room to send to")
	}
	if err := p.wait(ctx); err != nil {
		return nil, transient("sandbox: %v", err)
	}
	now := p.now()
	it := sendItem{storeID: m.StoreID, roomID: m.Room.ID, text: m.Text, now: now, since: msgcenter.SessionOpenSince(now)}
	if m.Button != nil {
		it.label, it.url = m.Button.Label, m.Button.URL
	}
	// The usual send is one statement: the message is stored when the room
	// is the store's, its customer wrote since msgcenter.SessionOpenSince
	// (so no channel's session can have expired) and no fault is pending.
	id, err := insertOut(ctx, p.db, it, usualCond, it.since)
	if err == nil {
		return &msgcenter.SendResult{ProviderMessageID: fmt.Sprintf("sbx-%d", id)}, nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return nil, transient("sandbox: store message: %v", err)
	}
	return p.sendUnusual(ctx, m, it)
}

// sendUnusual is a send the usual statement did not store: it finds out
// why (a fault to take, an unknown room, a closed WhatsApp window) and, when
// none holds (another channel's room quiet for a day), stores it.
func (p *Provider) sendUnusual(ctx context.Context, m *msgcenter.OutboundMessage, it sendItem) (*msgcenter.SendResult, error) {
	var (
		faultsPending bool
		channelID     sql.NullInt64
		channelType   sql.NullString
		lastInbound   sql.NullTime
	)
	err := p.db.QueryRowContext(ctx, `
		SELECT EXISTS (SELECT 1 FROM sandbox_faults WHERE store_id = $1 AND remaining > 0),
			r.channel_id, c.type, r.last_inbound_at
		FROM (SELECT 1 AS one) AS x
		LEFT JOIN rooms r ON r.store_id = $1 AND r.id = $2
		LEFT JOIN channels c ON c.id = r.channel_id`,
		m.StoreID, m.Room.ID).Scan(&faultsPending, &channelID, &channelType, &lastInbound)
	if err != nil {
		return nil, transient("sandbox: find room: %v", err)
	}
	var fault FaultMode
	if faultsPending {
		if fault, err = p.takeFault(ctx, m.StoreID); err != nil {
			return nil, transient("sandbox: take fault: %v", err)
		}
	}
	switch fault {
	case FaultTransient:
		return nil, transient("sandbox: injected transient failure")
	case FaultPermanent:
		return nil, permanent("sandbox: injected permanent failure")
	case FaultSessionExpired:
		return nil, sessionExpired("sandbox: injected session expiry")
	case FaultTimeout:
		wait, cancel := context.WithTimeout(ctx, timeoutWait)
		defer cancel()
		<-wait.Done()
		return nil, transient("sandbox: injected timeout: %v", wait.Err())
	}
	if !channelID.Valid {
		return nil, permanent("sandbox: room %d does not exist in store %d", m.Room.ID, m.StoreID)
	}
	if msgcenter.SessionExpired(msgcenter.ChannelType(channelType.String), lastInbound.Time, it.now) {
		return nil, sessionExpired("sandbox: room %d: last inbound message at %s, more than 24 hours ago",
			m.Room.ID, lastInbound.Time.UTC().Format(time.RFC3339))
	}
	id, err := insertOut(ctx, p.db, it, "")
	if err != nil {
		return nil, transient("sandbox: store message: %v", err)
	}
	if fault == FaultAnswerLost {
		// The customer has the message; the sender cannot know it.
		return nil, transient("sandbox: injected lost answer (message sbx-%d was delivered)", id)
	}
	return &msgcenter.SendResult{ProviderMessageID: fmt.Sprintf("sbx-%d", id)}, nil
}

// wait sleeps the configured latency, or until ctx is done.
func (p *Provider) wait(ctx context.Context) error {
	d := time.Duration(p.latency.Load())
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func transient(format string, args ...any) error {
	return &msgcenter.ProviderError{Kind: msgcenter.ProviderTransient, Reason: msgcenter.ReasonProviderError, Message: fmt.Sprintf(format, args...)}
}

func permanent(format string, args ...any) error {
	return &msgcenter.ProviderError{Kind: msgcenter.ProviderPermanent, Reason: msgcenter.ReasonUndeliverable, Message: fmt.Sprintf(format, args...)}
}

func sessionExpired(format string, args ...any) error {
	return &msgcenter.ProviderError{Kind: msgcenter.ProviderSessionExpired, Reason: msgcenter.ReasonSessionExpired, Message: fmt.Sprintf(format, args...)}
}

// FaultMode is how an injected fault makes a send fail.
type FaultMode string

// The fault modes.
const (
	// FaultTransient fails the send with a transient error; nothing is delivered.
	FaultTransient FaultMode = "transient"
	// FaultPermanent fails the send with a permanent error, reason undeliverable.
	FaultPermanent FaultMode = "permanent"
	// FaultTimeout holds the send until its context is done (at most 30 s)
	// and fails it with a transient error; nothing is delivered.
	FaultTimeout FaultMode = "timeout"
	// FaultAnswerLost delivers the message but fails the send with a
	// transient error, as if the platform's answer had been lost.
	FaultAnswerLost FaultMode = "answer_lost"
	// FaultSessionExpired fails the send as if the WhatsApp window were closed.
	FaultSessionExpired FaultMode = "session_expired"
)

// FaultModes returns every fault mode.
func FaultModes() []FaultMode {
	return []FaultMode{FaultTransient, FaultPermanent, FaultTimeout, FaultAnswerLost, FaultSessionExpired}
}

// Valid reports whether m is a known fault mode.
func (m FaultMode) Valid() bool {
	for _, v := range FaultModes() {
		if v == m {
			return true
		}
	}
	return false
}

// maxFaults bounds one injection.
const maxFaults = 100000

// InjectFaults makes the store's next n sends, by any process on this
// database, fail in mode; other stores' sends are untouched. Faults injected
// earlier are consumed first. Returns EINVALID for an unknown mode or an n
// outside 1..100000.
func (p *Provider) InjectFaults(ctx context.Context, storeID int64, mode FaultMode, n int) error {
	fields := map[string]string{}
	if !mode.Valid() {
		fields["mode"] = "must be one of transient, permanent, timeout, answer_lost, session_expired"
	}
	if n < 1 || n > maxFaults {
		fields["n"] = fmt.Sprintf("must be between 1 and %d", maxFaults)
	}
	if storeID <= 0 {
		fields["store_id"] = "is required"
	}
	if len(fields) > 0 {
		return msgcenter.Invalid("The faults are not valid.", fields)
	}
	// Spent faults are of no further use; dropping them keeps the pending
	// check on the send path a scan of a few rows.
	if _, err := p.db.ExecContext(ctx, `DELETE FROM sandbox_faults WHERE store_id = $1 AND remaining <= 0`, storeID); err != nil {
		return fmt.Errorf("sandbox: delete spent faults: %w", err)
	}
	if _, err := p.db.ExecContext(ctx, `INSERT INTO sandbox_faults (store_id, mode, remaining, created_at) VALUES ($1, $2, $3, $4)`,
		storeID, string(mode), n, p.now()); err != nil {
		return fmt.Errorf("sandbox: inject faults: %w", err)
	}
	return nil
}

// ClearFaults drops every pending fault of the store.
func (p *Provider) ClearFaults(ctx context.Context, storeID int64) error {
	if _, err := p.db.ExecContext(ctx, `DELETE FROM sandbox_faults WHERE store_id = $1`, storeID); err != nil {
		return fmt.Errorf("sandbox: clear faults: %w", err)
	}
	return nil
}

// PendingFaults returns how many of the store's faults of each mode are
// still to be consumed; modes with none are absent.
func (p *Provider) PendingFaults(ctx context.Context, storeID int64) (map[FaultMode]int, error) {
	rows, err := p.db.QueryContext(ctx, `SELECT mode, SUM(remaining) FROM sandbox_faults WHERE store_id = $1 AND remaining > 0 GROUP BY mode`, storeID)
	if err != nil {
		return nil, fmt.Errorf("sandbox: pending faults: %w", err)
	}
	defer rows.Close()
	pending := map[FaultMode]int{}
	for rows.Next() {
		var mode string
		var n int
		if err := rows.Scan(&mode, &n); err != nil {
			return nil, fmt.Errorf("sandbox: pending faults: %w", err)
		}
		pending[FaultMode(mode)] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sandbox: pending faults: %w", err)
	}
	return pending, nil
}

// takeFault consumes one pending fault of the store and returns its mode,
// or "" when none is left. Each fault is consumed by exactly one send: the
// decrement and its guard are one statement. On PostgreSQL a statement that
// lost the race for the oldest row (drained while it waited for the row
// lock) updates nothing although a younger row may have faults; it then
// looks again, so the next n sends really are the ones that fail.
func (p *Provider) takeFault(ctx context.Context, storeID int64) (FaultMode, error) {
	for range 100 {
		var mode string
		err := p.db.QueryRowContext(ctx, `
			UPDATE sandbox_faults SET remaining = remaining - 1
			WHERE id = (SELECT id FROM sandbox_faults WHERE store_id = $1 AND remaining > 0 ORDER BY id LIMIT 1)
				AND remaining > 0
			RETURNING mode`, storeID).Scan(&mode)
		if err == nil {
			return FaultMode(mode), nil
		} else if !errors.Is(err, sql.ErrNoRows) {
			return "", err
		}
		var pending bool
		if err := p.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM sandbox_faults WHERE store_id = $1 AND remaining > 0)`, storeID).Scan(&pending); err != nil {
			return "", err
		}
		if !pending {
			return "", nil
		}
	}
	return "", nil
}
