package http

import (
	"net/http"

	"github.com/qiscus/msgcenter"
)

// accountRoutes registers the admin's own API tokens and password.
func (s *Server) accountRoutes() {
	s.handle("GET /api/v1/tokens", s.apiUser(s.handleTokenList))
	s.handle("DELETE /api/v1/tokens/{id}", s.apiUser(s.handleTokenRevoke))
	s.handle("PUT /api/v1/password", s.apiUser(s.handlePasswordChange))
}

// handleTokenList answers GET /api/v1/tokens: the admin's tokens, never the
// tokens themselves.
func (s *Server) handleTokenList(w http.ResponseWriter, r *http.Request) {
	ts, err := s.Users.FindAPITokens(r.Context(), userFrom(r.Context()).ID)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"tokens": ts})
}

// handleTokenRevoke answers DELETE /api/v1/tokens/{id}: the token stops
// working at once, even when it is the one of this request. Another admin's
// token answers 404.
func (s *Server) handleTokenRevoke(w http.ResponseWriter, r *http.Request) {
	id, err := idFrom(r, "id")
	var t *msgcenter.APIToken
	if err == nil {
		t, err = s.Users.RevokeAPIToken(r.Context(), userFrom(r.Context()).ID, id)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

// handlePasswordChange answers PUT /api/v1/password with
// {"current_password", "new_password"}: the current password is asked even
// of a valid token, so a leaked token cannot take the account over. Every
// dashboard session of the admin ends; API tokens stay.
func (s *Server) handlePasswordChange(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Current string `json:"current_password"`
		New     string `json:"new_password"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	u := userFrom(r.Context())
	if _, err := s.Users.Authenticate(r.Context(), u.Email, in.Current); err != nil {
		s.Error(w, r, msgcenter.Invalid("The current password is not right.", map[string]string{"current_password": "is not your current password"}))
		return
	}
	if err := s.Users.SetPassword(r.Context(), u.ID, in.New); err != nil {
		if fields := msgcenter.ErrorFields(err); fields["password"] != "" {
			err = msgcenter.Invalid("The new password is not valid.", map[string]string{"new_password": fields["password"]})
		}
		s.Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
