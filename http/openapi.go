package http

import (
	_ "embed"
	"net/http"
)

// openAPI is the OpenAPI 3.1 document of the JSON API, written by hand;
// cmd/msgcenter's TestOpenAPI holds it to the router and to the handlers'
// requests and answers.
//
//go:embed openapi.json
var openAPI []byte

// handleOpenAPI serves the OpenAPI document, to anyone: it describes the
// API, not a store.
func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Write(openAPI)
}
