package http

import (
	"context"
	"net/http"
	"strings"

	"github.com/qiscus/msgcenter"
)

type ctxKey int

const (
	userKey ctxKey = iota
	storeKey
)

// userFrom returns the signed-in user of the request.
func userFrom(ctx context.Context) *msgcenter.User {
	u, _ := ctx.Value(userKey).(*msgcenter.User)
	return u
}

// storeFrom returns the store the request is scoped to, already checked to
// belong to the user.
func storeFrom(ctx context.Context) *msgcenter.Store {
	st, _ := ctx.Value(storeKey).(*msgcenter.Store)
	return st
}

// apiUser authenticates a bearer API token or, for the dashboard's own
// scripts, the admin's session cookie, so that the pages call the same API
// as every other client and each rule has one implementation. A request
// with an Authorization header is judged by it alone. The cookie path needs
// no token against cross-site requests: http.CrossOriginProtection, around
// every route, refuses unsafe cross-origin requests by their Sec-Fetch-Site
// and Origin headers, and the cookie is SameSite=Lax besides.
func (s *Server) apiUser(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		if auth == "" {
			if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
				u, err := s.Users.FindUserBySession(r.Context(), c.Value)
				if err != nil {
					s.Error(w, r, err)
					return
				}
				w.Header().Set("Cache-Control", "private, no-store")
				h(w, r.WithContext(context.WithValue(r.Context(), userKey, u)))
				return
			}
		}
		token, ok := strings.CutPrefix(auth, "Bearer ")
		if !ok || token == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="msgcenter"`)
			s.Error(w, r, msgcenter.Errorf(msgcenter.EUNAUTHORIZED, "Missing bearer token: send Authorization: Bearer <token>."))
			return
		}
		u, err := s.Users.FindUserByAPIToken(r.Context(), strings.TrimSpace(token))
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="msgcenter", error="invalid_token"`)
			s.Error(w, r, err)
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), userKey, u)))
	}
}

// apiStore authenticates the token and resolves {store} among the user's
// own stores; another owner's store answers 404 like a missing one.
func (s *Server) apiStore(h http.HandlerFunc) http.HandlerFunc {
	return s.apiUser(s.withStore(h))
}

// withStore resolves {store} for the user already in the context.
func (s *Server) withStore(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u := userFrom(r.Context())
		st, err := s.Stores.FindStore(r.Context(), u.ID, r.PathValue("store"))
		if err != nil {
			s.Error(w, r, err)
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), storeKey, st)))
	}
}
