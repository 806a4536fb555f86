package http

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/qiscus/msgcenter"
)

// idempotencyHeader names the key a client sends with a creating request.
const idempotencyHeader = "Idempotency-Key"

// maxIdempotencyKey bounds a key's length.
const maxIdempotencyKey = 255

// idempotent wraps a creating API handler (an order, a checkout, a store, a
// product, a test send…): a request with an Idempotency-Key is answered
// once, and a retry with the same key and the same request (method, path
// and JSON body, whatever its formatting) gets the first answer again, with
// Idempotent-Replayed: true, and changes nothing. The same key with another
// request is 422; while the first is still being answered, 409. Keys belong
// to the admin who sent them and are forgotten after 24 hours. A request
// without the header is answered as usual. Internal errors are not kept, so
// their retry runs again. It runs after apiUser, which names the admin.
func (s *Server) idempotent(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		key, present := r.Header[idempotencyHeader]
		if !present || s.Idempotency == nil {
			h(w, r)
			return
		}
		if len(key) != 1 || !validIdempotencyKey(key[0]) {
			s.Error(w, r, msgcenter.Invalid("The Idempotency-Key header is not valid.", map[string]string{
				idempotencyHeader: "must be one value of 1 to 255 visible ASCII characters, such as a UUID"}))
			return
		}
		raw, err := io.ReadAll(r.Body)
		if err != nil {
			s.Error(w, r, decodeBody(errReaderOf(err), new(struct{}), true))
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(raw))
		scope := "user:" + strconv.FormatInt(userFrom(r.Context()).ID, 10)
		hash := requestHash(r.Method, r.URL.Path, raw)
		rec, claimed, err := s.Idempotency.ClaimIdempotencyKey(r.Context(), scope, key[0], hash)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		if !claimed {
			switch {
			case rec.RequestHash != hash:
				s.Error(w, r, msgcenter.Invalid("This Idempotency-Key was used for another request.", map[string]string{
					idempotencyHeader: "was already used with another request in the last 24 hours: send a new key for a new request"}))
			case rec.Status == 0:
				w.Header().Set("Retry-After", "1")
				s.Error(w, r, msgcenter.Errorf(msgcenter.ECONFLICT, "A request with this Idempotency-Key is still being answered: retry in a moment."))
			default:
				if rec.ContentType != "" {
					w.Header().Set("Content-Type", rec.ContentType)
				}
				w.Header().Set("Idempotent-Replayed", "true")
				w.WriteHeader(rec.Status)
				_, _ = w.Write(rec.Body)
			}
			return
		}
		rw := &recordingWriter{ResponseWriter: w, status: http.StatusOK}
		h(rw, r)
		// The answer is kept even when the client has gone (its context
		// is done): the work it asked for is done.
		ctx := context.WithoutCancel(r.Context())
		if rw.status >= 500 {
			err = s.Idempotency.ReleaseIdempotencyKey(ctx, scope, key[0])
		} else {
			err = s.Idempotency.CompleteIdempotencyKey(ctx, scope, key[0], rw.status, rw.Header().Get("Content-Type"), rw.body.Bytes())
		}
		if err != nil {
			s.Logger.Error("idempotency key: store the answer", slog.String("route", r.Pattern), slog.Any("err", err))
		}
	}
}

// validIdempotencyKey accepts 1 to 255 visible ASCII characters.
func validIdempotencyKey(k string) bool {
	if len(k) == 0 || len(k) > maxIdempotencyKey {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x21 || k[i] > 0x7e {
			return false
		}
	}
	return true
}

// requestHash identifies a request by method, path and body; a JSON body is
// compacted first, so a retry formatted differently is the same request.
func requestHash(method, path string, body []byte) string {
	var buf bytes.Buffer
	if err := json.Compact(&buf, body); err == nil {
		body = buf.Bytes()
	}
	h := sha256.New()
	h.Write([]byte(method + " " + path + "\n"))
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// recordingWriter passes an answer through and keeps a copy of it.
type recordingWriter struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
	body        bytes.Buffer
}

func (w *recordingWriter) WriteHeader(status int) {
	if !w.wroteHeader {
		w.status, w.wroteHeader = status, true
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *recordingWriter) Write(b []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	w.body.Write(b)
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *recordingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// errReaderOf is a reader failing with err, so a body that could not be
// read is refused as decodeJSON refuses it.
func errReaderOf(err error) io.Reader { return errReader{err} }
