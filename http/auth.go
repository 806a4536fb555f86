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
		u, err := s.requester(r)
		if err != nil {
			if r.Header.Get("Authorization") == "" {
				w.Header().Set("WWW-Authenticate", `Bearer realm="msgcenter"`)
			} else {
				w.Header().Set("WWW-Authenticate", `Bearer realm="msgcenter", error="invalid_token"`)
			}
			s.Error(w, r, err)
			return
		}
		if r.Header.Get("Authorization") == "" {
			w.Header().Set("Cache-Control", "private, no-store")
		}
		h(w, r.WithContext(context.WithValue(r.Context(), userKey, u)))
	}
}

// requester returns the admin a request comes from: by its bearer token or,
// without an Authorization header, by its session cookie. EUNAUTHORIZED when
// neither names one.
func (s *Server) requester(r *http.Request) (*msgcenter.User, error) {
	auth := r.Header.Get("Authorization")
	if auth == "" {
		if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
			return s.Users.FindUserBySession(r.Context(), c.Value)
		}
	}
	token, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok || token == "" {
		return nil, msgcenter.Errorf(msgcenter.EUNAUTHORIZED, "Missing bearer token: send Authorization: Bearer <token>, or sign in at /admin/login.")
	}
	return s.Users.FindUserByAPIToken(r.Context(), strings.TrimSpace(token))
}

// VisibleStoreIDs returns the ids of the stores of the admin the request
// comes from (token or session), for pages outside this package such as the
// sandbox's; EUNAUTHORIZED when the request names no admin.
func (s *Server) VisibleStoreIDs(r *http.Request) ([]int64, error) {
	u, err := s.requester(r)
	if err != nil {
		return nil, err
	}
	stores, err := s.Stores.FindStores(r.Context(), u.ID)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(stores))
	for i, st := range stores {
		ids[i] = st.ID
	}
	return ids, nil
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
