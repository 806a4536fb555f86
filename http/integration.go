package http

// integrationRoutes registers the provider connection API and the
// platform's inbound-message webhook.
func (s *Server) integrationRoutes() {}
