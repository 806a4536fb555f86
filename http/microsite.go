package http

import "github.com/qiscus/msgcenter"

// micrositeRoutes registers the microsite, checkout and omnichannel webhook routes.
func (s *Server) micrositeRoutes() {
	if s.CustomButtons != nil {
		s.handle("POST /hooks/omnichannel/{store}/custom-button/{secret}", s.handleCustomButtonWebhook)
		s.handle("POST /api/v1/stores/{store}/message-center/"+string(msgcenter.EventShareMicrositeURL)+"/custom-button/rotate", s.apiStore(s.handleCustomButtonRotate))
		s.handle("PUT /api/v1/stores/{store}/message-center/"+string(msgcenter.EventShareMicrositeURL)+"/custom-button", s.apiStore(s.handleCustomButtonLabel))
		s.handle("GET /api/v1/stores/{store}/message-center/"+string(msgcenter.EventShareMicrositeURL)+"/custom-button/unplaced-clicks", s.apiStore(s.handleUnplacedClicks))
	}
	if s.Microsite != nil && s.Commerce != nil && s.Orders != nil {
		s.handle("GET /s/{slug}", s.handleMicrosite)
		s.handle("POST /s/{slug}/checkout", s.handleMicrositeCheckout)
		s.handle("GET /s/{slug}/checkout/{token}", s.handleCheckoutPage)
		s.handle("POST /s/{slug}/checkout/{token}", s.handleCheckoutPlace)
		s.handle("POST /s/{slug}/order", s.handlePlainOrder)
		s.handle("GET /s/{slug}/orders/{token}", s.handleOrderConfirmation)
	}
}
