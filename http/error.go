package http

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/qiscus/msgcenter"
)

// codes maps each domain error code to its HTTP status; the one table.
var codes = map[string]int{
	msgcenter.ECONFLICT:     http.StatusConflict,
	msgcenter.EINVALID:      http.StatusUnprocessableEntity,
	msgcenter.ENOTFOUND:     http.StatusNotFound,
	msgcenter.EUNAUTHORIZED: http.StatusUnauthorized,
	msgcenter.EFORBIDDEN:    http.StatusForbidden,
	msgcenter.ETEMPORARY:    http.StatusServiceUnavailable,
	msgcenter.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	msgcenter.EINTERNAL:     http.StatusInternalServerError,
	ebadrequest:             http.StatusBadRequest,
	eratelimited:            http.StatusTooManyRequests,
}

// Codes known only to the HTTP layer: malformed requests and rate limits.
const (
	ebadrequest  = "EBADREQUEST"
	eratelimited = "ERATELIMITED"
)

// errorStatus returns the HTTP status for err's code.
func errorStatus(err error) int {
	if s, ok := codes[msgcenter.ErrorCode(err)]; ok {
		return s
	}
	return http.StatusInternalServerError
}

type errorBody struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields,omitempty"`
		// RequestID finds the request's lines in the server's log.
		RequestID string `json:"request_id,omitempty"`
	} `json:"error"`
}

// wantsJSON reports whether the client should get JSON rather than a page.
func wantsJSON(r *http.Request) bool {
	if strings.HasPrefix(r.URL.Path, "/api/") || msgcenter.IsWebhookPath(r.URL.Path) {
		return true
	}
	accept := r.Header.Get("Accept")
	return strings.Contains(accept, "application/json") && !strings.Contains(accept, "text/html")
}

// Error writes err as JSON or as a page, by path and Accept, and logs
// internal errors with their context.
func (s *Server) Error(w http.ResponseWriter, r *http.Request, err error) {
	code := msgcenter.ErrorCode(err)
	var maxErr *http.MaxBytesError
	if errors.As(err, &maxErr) {
		code = msgcenter.ETOOLARGE
		err = msgcenter.Errorf(msgcenter.ETOOLARGE, "The request body is larger than %d bytes.", maxErr.Limit)
	}
	status := errorStatus(err)
	if code == msgcenter.EINTERNAL {
		// The route pattern, never the path: paths carry customer tokens
		// and webhook secrets.
		s.Logger.Error("internal error", slog.String("method", r.Method), slog.String("route", s.route(r)),
			slog.String("request_id", RequestID(r.Context())), slog.Any("err", err))
	}
	if !wantsJSON(r) && s.pages != nil {
		s.errorPage(w, r, status, msgcenter.ErrorMessage(err))
		return
	}
	var body errorBody
	body.Error.Code = code
	body.Error.Message = msgcenter.ErrorMessage(err)
	body.Error.Fields = msgcenter.ErrorFields(err)
	body.Error.RequestID = RequestID(r.Context())
	writeJSON(w, status, body)
}

// writeJSON writes v with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v)
}
