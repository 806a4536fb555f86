package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/internal/batch"
)

var (
	_ msgcenter.DeliveryService   = (*DeliveryService)(nil)
	_ msgcenter.DeliveryWorkStore = (*DeliveryService)(nil)
)

// Limits of FindDeliveries and FindQueuedDeliveryIDs.
const (
	defaultDeliveryLimit = 100
	maxDeliveryLimit     = 500
)

// DeliveryService reads a store's messages, and is what the delivery worker
// loads its work from and records its results in.
type DeliveryService struct {
	db *DB
	// records runs the records of concurrent workers together on
	// PostgreSQL; nil on SQLite, where group commit does.
	records *batch.Batcher[recordItem, recordOutcome]
	// loads runs the reads of concurrent workers together on PostgreSQL;
	// nil on SQLite. Two reads of one message may share a run: finishWork
	// builds each caller's work afresh from what was read.
	loads *batch.Batcher[int64, *loadedWork]
}

// batchTimeout bounds one run of the workers' batched statements: shorter
// than a worker's own deadline for its record (10 s), so a run that hangs
// fails its items in time for the records queued behind it to run.
const batchTimeout = 5 * time.Second

// NewDeliveryService returns a DeliveryService on db.
func NewDeliveryService(db *DB) *DeliveryService {
	s := &DeliveryService{db: db}
	if db.engine == EnginePostgres {
		// Two records of one message (a duplicate job) never share a
		// statement: the second's guard must see the first's update.
		s.records = &batch.Batcher[recordItem, recordOutcome]{Run: s.recordMany, Max: 64, Concurrency: 2, Timeout: batchTimeout,
			Key: func(it recordItem) any { return it.id }}
		s.loads = &batch.Batcher[int64, *loadedWork]{Run: s.loadWorkRows, Max: 64, Concurrency: 2, Timeout: batchTimeout}
	}
	return s
}

// FindDeliveries lists the store's messages matching f, newest first, each
// with its attempts. The limit defaults to 100 and is at most 500.
func (s *DeliveryService) FindDeliveries(ctx context.Context, storeID int64, f msgcenter.DeliveryFilter) ([]*msgcenter.Delivery, error) {
	where, args := []string{"store_id = $1"}, []any{storeID}
	if f.OrderID != nil {
		args = append(args, *f.OrderID)
		where = append(where, fmt.Sprintf("order_id = $%d", len(args)))
	}
	if f.NoOrder {
		where = append(where, "order_id IS NULL")
	}
	if f.Event != nil {
		args = append(args, string(*f.Event))
		where = append(where, fmt.Sprintf("event = $%d", len(args)))
	}
	if f.RoomID != nil {
		args = append(args, *f.RoomID)
		where = append(where, fmt.Sprintf("room_id = $%d", len(args)))
	}
	limit := f.Limit
	if limit <= 0 {
		limit = defaultDeliveryLimit
	} else if limit > maxDeliveryLimit {
		limit = maxDeliveryLimit
	}
	args = append(args, limit)
	return findDeliveries(ctx, s.db.q, fmt.Sprintf(`WHERE %s ORDER BY id DESC LIMIT $%d`, strings.Join(where, " AND "), len(args)), args...)
}

// FindDelivery returns one message of the store with its attempts,
// ENOTFOUND for another store's.
func (s *DeliveryService) FindDelivery(ctx context.Context, storeID, id int64) (*msgcenter.Delivery, error) {
	return findDelivery(ctx, s.db.q, `WHERE store_id = $1 AND id = $2`, storeID, id)
}

// LoadDeliveryWork reads what a worker needs to send a message: the
// delivery (without its attempts: Tries counts them), its store, the
// store's configuration of the event as it is now, the room when there is
// one (and, for a fallback, the room's channel), and the subject. Returns
// ENOTFOUND for an unknown delivery.
func (s *DeliveryService) LoadDeliveryWork(ctx context.Context, deliveryID int64) (*msgcenter.DeliveryWork, error) {
	var lw *loadedWork
	if s.loads != nil {
		// One statement for this message and those of other workers that
		// came while the last ones were read (loadWorkRows).
		var err error
		if lw, err = s.loads.Do(ctx, deliveryID); err != nil {
			return nil, fmt.Errorf("sqlstore: load delivery %d: %w", deliveryID, err)
		}
	} else {
		lws, err := s.loadWorkRows(ctx, []int64{deliveryID})
		if err != nil {
			return nil, fmt.Errorf("sqlstore: load delivery %d: %w", deliveryID, err)
		}
		lw = lws[0]
	}
	if lw == nil {
		return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "Delivery not found.")
	}
	return s.finishWork(ctx, lw)
}

// loadedWork is what the statement of loadWorkRows read of one message.
type loadedWork struct {
	dr    deliveryRow
	sr    storeRow
	cr    messageConfigRow
	rr    nullRoomRow
	or    nullOrderRow
	w     msgcenter.DeliveryWork // Tries and Connected
	items []msgcenter.OrderItem
}

// loadWorkRows reads, in one statement, each message of ids with how many
// tries it has had, its store and whether the store connected its own app,
// the event's configuration, the room and, for an order, the order with one
// row per item: this runs once per send. It answers in the order of ids,
// nil for a message that does not exist.
func (s *DeliveryService) loadWorkRows(ctx context.Context, ids []int64) ([]*loadedWork, error) {
	var (
		dr   deliveryRow
		sr   storeRow
		cr   messageConfigRow
		rr   nullRoomRow
		or   nullOrderRow
		w    msgcenter.DeliveryWork
		item struct {
			productID, quantity, unitPrice sql.NullInt64
			name                           sql.NullString
		}
	)
	dest := append(append(append(append(append(dr.dest(), &w.Tries, &w.Connected), sr.dest()...), cr.dest()...), rr.dest()...),
		or.dest()...)
	dest = append(dest, &item.productID, &item.name, &item.quantity, &item.unitPrice)
	// One message is read by id, several by an array of ids (PostgreSQL
	// only). The array's length is known when PostgreSQL plans the
	// statement, so it plans the array form anew nearly every time (2.6 ms
	// for this join); the plan of the form by id is kept, so a message that
	// waited for no other is read as fast as before batching.
	where, arg := `d.id = $1`, any(ids[0])
	if len(ids) > 1 {
		if s.db.engine != EnginePostgres {
			return nil, fmt.Errorf("sqlstore: load %d deliveries at once on SQLite", len(ids))
		}
		where, arg = `d.id = ANY($1::bigint[])`, ids
	}
	rows, err := s.db.q.QueryContext(ctx, `
		SELECT `+qualify(deliveryColumns, "d")+`, d.tries,
			EXISTS (SELECT 1 FROM integrations ig WHERE ig.store_id = d.store_id),
			`+qualify(storeColumns, "s")+`, `+qualify(messageConfigColumns, "mc")+`, `+roomColumns+`,
			`+qualify(orderColumns, "o")+`, i.product_id, i.name, i.quantity, i.unit_price
		FROM deliveries d
		JOIN stores s ON s.id = d.store_id
		JOIN message_configs mc ON mc.store_id = d.store_id AND mc.event = d.event
		LEFT JOIN rooms r ON r.store_id = d.store_id AND r.id = d.room_id
		LEFT JOIN channels c ON c.id = r.channel_id
		LEFT JOIN orders o ON d.subject_type = $2 AND o.store_id = d.store_id AND o.id = d.subject_id
		LEFT JOIN order_items i ON i.order_id = o.id
		WHERE `+where+`
		ORDER BY d.id, i.line`, arg, string(msgcenter.SubjectOrder))
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*loadedWork, len(ids))
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			rows.Close()
			return nil, err
		}
		lw := byID[dr.d.ID]
		if lw == nil {
			lw = &loadedWork{dr: dr, sr: sr, cr: cr, rr: rr, or: or, w: w}
			byID[dr.d.ID] = lw
		}
		if item.productID.Valid {
			lw.items = append(lw.items, msgcenter.OrderItem{ProductID: item.productID.Int64, Name: item.name.String,
				Quantity: int(item.quantity.Int64), UnitPrice: item.unitPrice.Int64})
		}
	}
	// Closed before anything else is read: on SQLite's single connection a
	// second query would wait for this one forever.
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]*loadedWork, len(ids))
	for i, id := range ids {
		out[i] = byID[id]
	}
	return out, nil
}

// finishWork turns what loadWorkRows read into the worker's DeliveryWork,
// reading what only some messages need: a fallback's channel, and the
// subject of a message about anything but an order.
func (s *DeliveryService) finishWork(ctx context.Context, lw *loadedWork) (*msgcenter.DeliveryWork, error) {
	q := s.db.q
	w := lw.w
	d := lw.dr.value()
	var err error
	w.Delivery, w.Store = d, lw.sr.value()
	if w.Config, err = lw.cr.value(); err != nil {
		return nil, err
	}
	if d.RoomID != nil {
		if w.Room = lw.rr.value(); w.Room == nil {
			return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "Room not found.")
		}
		// Only a fallback chooses between the room's channel and another.
		if d.Kind == msgcenter.KindFallback {
			if w.Channel, err = findChannel(ctx, q, d.StoreID, w.Room.ChannelID, ""); err != nil {
				return nil, err
			}
		}
	}
	switch d.SubjectType {
	case msgcenter.SubjectOrder:
		if w.Order = lw.or.value(); w.Order == nil {
			return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "Order not found.")
		}
		w.Order.Items = append(w.Order.Items, lw.items...)
	case msgcenter.SubjectFailedCheckout:
		w.FailedCheckout, w.MicrositeToken, err = findFailedCheckout(ctx, q, d.StoreID, d.SubjectID)
	case msgcenter.SubjectCheckout:
		w.Checkout, err = findCheckout(ctx, q, d.StoreID, d.SubjectID, "")
	case msgcenter.SubjectClick:
		w.MicrositeToken, err = findClickToken(ctx, q, d.StoreID, d.SubjectID)
	case msgcenter.SubjectTest:
		w.Test, err = findTestSend(ctx, q, d.StoreID, d.SubjectID)
	}
	if err != nil {
		return nil, err
	}
	return &w, nil
}

// qualify prefixes each column of a column list with alias.
func qualify(columns, alias string) string {
	cols := strings.Split(columns, ",")
	for i, c := range cols {
		cols[i] = alias + "." + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}

// RecordDeliveryResult records one step of a worker in one transaction:
// the attempt, numbered after the last, when r has one; the status, reason
// and rendered content; sent_at when sent. It writes nothing and reports
// false when the message is no longer queued. Returns ENOTFOUND for an
// unknown delivery and EINVALID for an unknown status or reason.
func (s *DeliveryService) RecordDeliveryResult(ctx context.Context, deliveryID int64, r msgcenter.DeliveryResult) (bool, error) {
	switch r.Status {
	case msgcenter.StatusQueued, msgcenter.StatusSent, msgcenter.StatusFailed, msgcenter.StatusSkipped:
	default:
		return false, msgcenter.Invalid("The delivery result is not valid.", map[string]string{"status": "must be one of queued, sent, failed, skipped"})
	}
	if r.Reason != "" && !r.Reason.Valid() {
		return false, msgcenter.Invalid("The delivery result is not valid.", map[string]string{"reason": "is not a known reason"})
	}
	now := s.db.now()
	var sentAt sql.NullTime
	if r.Status == msgcenter.StatusSent {
		sentAt = sql.NullTime{Time: now, Valid: true}
	}
	var attempt msgcenter.Attempt
	tried := 0
	if r.Attempt != nil {
		attempt, tried = *r.Attempt, 1
		if attempt.At.IsZero() {
			attempt.At = now
		}
		attempt.At = attempt.At.UTC().Truncate(time.Microsecond)
	}
	if s.records != nil {
		// One statement, committed on its own, for this record and those
		// of other workers that came while the last ones ran: this runs
		// once per send (recordMany).
		out, err := s.records.Do(ctx, recordItem{id: deliveryID, r: r, now: now, sentAt: sentAt, tried: tried, attempt: attempt})
		if err != nil {
			return false, fmt.Errorf("sqlstore: record delivery: %w", err)
		}
		if !out.exists {
			return false, msgcenter.Errorf(msgcenter.ENOTFOUND, "Delivery not found.")
		}
		return out.updated, nil // not updated: already final
	}
	// The guarded update takes the row's lock: a concurrent record of the
	// same message waits, then finds it no longer queued. The attempt it
	// appends is numbered by the count the update returns, read from the
	// row as locked, so two records of a retry never take the same number.
	it := recordItem{id: deliveryID, r: r, now: now, sentAt: sentAt, tried: tried, attempt: attempt}
	var updated, exists bool
	err := s.db.withTx(ctx, func(tx *sql.Tx) error {
		var id int64
		var n int
		err := tx.QueryRowContext(ctx, recordSetSQL, it.setArgs()...).Scan(&id, &n)
		if err == sql.ErrNoRows {
			updated = false
			return tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM deliveries WHERE id = $1)`, deliveryID).Scan(&exists)
		} else if err != nil {
			return err
		}
		updated, exists = true, true
		if tried == 0 {
			return nil
		}
		_, err = tx.ExecContext(ctx, recordAttemptSQL+` VALUES ($1, $2, $3, $4, $5, $6)`,
			deliveryID, n, attempt.At, attempt.Outcome, attempt.ProviderMessageID, attempt.Error)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("sqlstore: record delivery: %w", err)
	}
	if !exists {
		return false, msgcenter.Errorf(msgcenter.ENOTFOUND, "Delivery not found.")
	}
	return updated, nil // not updated: already final
}

// recordItem is one RecordDeliveryResult waiting for recordMany.
type recordItem struct {
	id      int64
	r       msgcenter.DeliveryResult
	now     time.Time
	sentAt  sql.NullTime
	tried   int
	attempt msgcenter.Attempt
}

// recordOutcome is what recordMany found of one record: whether the message
// was still queued and so updated, and whether it exists.
type recordOutcome struct{ updated, exists bool }

// recordSetSQL is the guarded update of one record, $1 to $12 as
// recordItem.setArgs gives them: it changes the message only while it is
// queued, and returns its id and its tries counted with this one.
const recordSetSQL = `UPDATE deliveries
	SET status = $1, reason = $2, text = $3, button_label = $4, button_url = $5, channel_id = $6, channel_type = $7,
		updated_at = $8, sent_at = $9, tries = tries + $12
	WHERE id = $10 AND status = $11
	RETURNING id, tries`

// recordAttemptSQL is the insert of a record's attempt, without its rows.
const recordAttemptSQL = `INSERT INTO delivery_attempts (delivery_id, n, at, outcome, provider_message_id, error)`

// recordOneSQL records one message on PostgreSQL in one statement: the
// guarded update and the attempt it appends ($13 to $16). PostgreSQL keeps
// its plan, where it plans recordManySQL anew for nearly every call, since
// the arrays' length is known then.
const recordOneSQL = `
WITH u AS (` + recordSetSQL + `), a AS (
	` + recordAttemptSQL + ` SELECT id, tries, $13, $14, $15, $16 FROM u WHERE $12::int = 1
)
SELECT EXISTS (SELECT 1 FROM u), EXISTS (SELECT 1 FROM deliveries WHERE id = $10)`

// recordManySQL records, on PostgreSQL, the results of several messages in
// one statement: each message's guarded update (status still $16, queued),
// which locks its row and counts its tries, and the attempt it appends,
// numbered by that count. $1 to $15 hold one element per message.
const recordManySQL = `
WITH v AS (
	SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::text[],
		$9::timestamptz[], $10::timestamptz[], $11::int[], $12::timestamptz[], $13::text[], $14::text[], $15::text[])
		AS v(id, status, reason, text, button_label, button_url, channel_id, channel_type,
			now, sent_at, tried, at, outcome, provider_message_id, error)
), u AS (
	UPDATE deliveries d
	SET status = v.status, reason = v.reason, text = v.text, button_label = v.button_label, button_url = v.button_url,
		channel_id = v.channel_id, channel_type = v.channel_type, updated_at = v.now, sent_at = v.sent_at, tries = d.tries + v.tried
	FROM v
	WHERE d.id = v.id AND d.status = $16
	RETURNING d.id, d.tries
), a AS (
	` + recordAttemptSQL + `
	SELECT u.id, u.tries, v.at, v.outcome, v.provider_message_id, v.error
	FROM u JOIN v ON v.id = u.id
	WHERE v.tried = 1
)
SELECT v.id, EXISTS (SELECT 1 FROM u WHERE u.id = v.id), EXISTS (SELECT 1 FROM deliveries x WHERE x.id = v.id)
FROM v`

// setArgs are recordSetSQL's arguments for it.
func (it recordItem) setArgs() []any {
	r := it.r
	return []any{string(r.Status), string(r.Reason), r.Text, r.ButtonLabel, r.ButtonURL, nullInt64(r.ChannelID), string(r.ChannelType),
		it.now, it.sentAt, it.id, string(msgcenter.StatusQueued), it.tried}
}

// recordMany runs recordManySQL for items, of distinct messages, or
// recordOneSQL for one.
func (s *DeliveryService) recordMany(ctx context.Context, items []recordItem) ([]recordOutcome, error) {
	if len(items) == 1 {
		it := items[0]
		var o recordOutcome
		err := s.db.db.QueryRowContext(ctx, recordOneSQL,
			append(it.setArgs(), it.attempt.At, it.attempt.Outcome, it.attempt.ProviderMessageID, it.attempt.Error)...).Scan(&o.updated, &o.exists)
		if err != nil {
			return nil, err
		}
		return []recordOutcome{o}, nil
	}
	n := len(items)
	ids, tried := make([]int64, n), make([]int32, n)
	status, reason, text, label, url, channelType := make([]string, n), make([]string, n), make([]string, n), make([]string, n),
		make([]string, n), make([]string, n)
	outcome, providerID, errText := make([]string, n), make([]string, n), make([]string, n)
	channelID := make([]*int64, n)
	now, at := make([]time.Time, n), make([]time.Time, n)
	sentAt := make([]*time.Time, n)
	for i, it := range items {
		ids[i], tried[i] = it.id, int32(it.tried)
		status[i], reason[i], text[i], label[i], url[i] = string(it.r.Status), string(it.r.Reason), it.r.Text, it.r.ButtonLabel, it.r.ButtonURL
		channelID[i], channelType[i] = it.r.ChannelID, string(it.r.ChannelType)
		now[i] = it.now
		if it.sentAt.Valid {
			sentAt[i] = &it.sentAt.Time
		}
		at[i], outcome[i], providerID[i], errText[i] = it.attempt.At, string(it.attempt.Outcome), it.attempt.ProviderMessageID, it.attempt.Error
	}
	rows, err := s.db.db.QueryContext(ctx, recordManySQL, ids, status, reason, text, label, url, channelID, channelType,
		now, sentAt, tried, at, outcome, providerID, errText, string(msgcenter.StatusQueued))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byID := make(map[int64]recordOutcome, n)
	for rows.Next() {
		var id int64
		var o recordOutcome
		if err := rows.Scan(&id, &o.updated, &o.exists); err != nil {
			return nil, err
		}
		byID[id] = o
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]recordOutcome, n)
	for i, it := range items {
		out[i] = byID[it.id]
	}
	return out, nil
}

// FindQueuedDeliveryIDs returns, by id, the ids of up to limit messages of
// any store with an id above afterID, still queued and untouched since
// olderThan: the ones a recovery sweep re-enqueues when their job was lost,
// paging by afterID. A limit of 0 or less means 100.
func (s *DeliveryService) FindQueuedDeliveryIDs(ctx context.Context, olderThan time.Time, afterID int64, limit int) ([]int64, error) {
	if limit <= 0 {
		limit = defaultDeliveryLimit
	}
	rows, err := s.db.q.QueryContext(ctx, `
		SELECT id FROM deliveries
		WHERE status = $1 AND updated_at < $2 AND id > $3
		ORDER BY id
		LIMIT $4`,
		string(msgcenter.StatusQueued), olderThan.UTC().Truncate(time.Microsecond), afterID, limit,
	)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: find queued deliveries: %w", err)
	}
	defer rows.Close()
	ids := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("sqlstore: scan delivery id: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: find queued deliveries: %w", err)
	}
	return ids, nil
}

const deliveryColumns = `id, store_id, subject_type, subject_id, order_id, event, room_id, kind, status, reason,
	channel_id, channel_type, text, button_label, button_url, created_at, updated_at, sent_at`

// findDelivery returns the one delivery matching where, with its attempts;
// ENOTFOUND when there is none.
func findDelivery(ctx context.Context, q querier, where string, args ...any) (*msgcenter.Delivery, error) {
	ds, err := findDeliveries(ctx, q, where, args...)
	if err != nil {
		return nil, err
	}
	if len(ds) == 0 {
		return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "Delivery not found.")
	}
	return ds[0], nil
}

// findDeliveries returns the deliveries matching where, with their
// attempts read in one more query.
func findDeliveries(ctx context.Context, q querier, where string, args ...any) ([]*msgcenter.Delivery, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+deliveryColumns+` FROM deliveries `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: find deliveries: %w", err)
	}
	ds := []*msgcenter.Delivery{}
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		ds = append(ds, d)
	}
	// Closed before the attempts are read: on SQLite's single connection a
	// second query would wait for this one forever.
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: find deliveries: %w", err)
	}
	if err := loadAttempts(ctx, q, ds); err != nil {
		return nil, err
	}
	return ds, nil
}

func scanDelivery(rows *sql.Rows) (*msgcenter.Delivery, error) {
	var x deliveryRow
	if err := rows.Scan(x.dest()...); err != nil {
		return nil, fmt.Errorf("sqlstore: scan delivery: %w", err)
	}
	return x.value(), nil
}

// deliveryRow receives the deliveryColumns of one row.
type deliveryRow struct {
	d                                                 msgcenter.Delivery
	subject, event, kind, status, reason, channelType string
	orderID, roomID, channelID                        sql.NullInt64
	sentAt                                            sql.NullTime
}

func (x *deliveryRow) dest() []any {
	d := &x.d
	return []any{&d.ID, &d.StoreID, &x.subject, &d.SubjectID, &x.orderID, &x.event, &x.roomID, &x.kind, &x.status, &x.reason,
		&x.channelID, &x.channelType, &d.Text, &d.ButtonLabel, &d.ButtonURL, &d.CreatedAt, &d.UpdatedAt, &x.sentAt}
}

func (x *deliveryRow) value() *msgcenter.Delivery {
	d := x.d
	d.SubjectType, d.Event, d.Kind = msgcenter.SubjectType(x.subject), msgcenter.Event(x.event), msgcenter.DeliveryKind(x.kind)
	d.Status, d.Reason, d.ChannelType = msgcenter.DeliveryStatus(x.status), msgcenter.Reason(x.reason), msgcenter.ChannelType(x.channelType)
	d.OrderID, d.RoomID, d.ChannelID = int64Ptr(x.orderID), int64Ptr(x.roomID), int64Ptr(x.channelID)
	d.CreatedAt, d.UpdatedAt, d.SentAt = d.CreatedAt.UTC(), d.UpdatedAt.UTC(), timePtr(x.sentAt)
	d.Attempts = []msgcenter.Attempt{}
	return &d
}

// loadAttempts fills the attempts of ds, by number.
func loadAttempts(ctx context.Context, q querier, ds []*msgcenter.Delivery) error {
	if len(ds) == 0 {
		return nil
	}
	byID := make(map[int64]*msgcenter.Delivery, len(ds))
	args := make([]any, 0, len(ds))
	for _, d := range ds {
		byID[d.ID] = d
		args = append(args, d.ID)
	}
	rows, err := q.QueryContext(ctx, `
		SELECT delivery_id, n, at, outcome, provider_message_id, error
		FROM delivery_attempts
		WHERE delivery_id IN (`+placeholders(1, len(args))+`)
		ORDER BY delivery_id, n`,
		args...,
	)
	if err != nil {
		return fmt.Errorf("sqlstore: find attempts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var a msgcenter.Attempt
		if err := rows.Scan(&id, &a.N, &a.At, &a.Outcome, &a.ProviderMessageID, &a.Error); err != nil {
			return fmt.Errorf("sqlstore: scan attempt: %w", err)
		}
		a.At = a.At.UTC()
		d := byID[id]
		d.Attempts = append(d.Attempts, a)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlstore: find attempts: %w", err)
	}
	return nil
}
