package http

// micrositeRoutes registers the microsite, checkout and omnichannel webhook routes.
func (s *Server) micrositeRoutes() {}
