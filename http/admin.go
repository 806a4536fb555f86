package http

// adminRoutes registers the admin dashboard's pages.
func (s *Server) adminRoutes() {}
