package http

import (
	"math"
	"net/http"
	"time"

	"github.com/qiscus/msgcenter"
)

// storeJSON is a store as the API shows it.
type storeJSON struct {
	*msgcenter.Store
	IncompleteDelayMinutes int `json:"order_incomplete_delay_minutes"`
	UnpaidHoldMinutes      int `json:"unpaid_hold_minutes"`
	// RestockOnRefund: refunding an order gives its items back to stock.
	RestockOnRefund bool `json:"restock_on_refund"`
}

func newStoreJSON(st *msgcenter.Store) storeJSON {
	return storeJSON{Store: st, IncompleteDelayMinutes: int(st.IncompleteDelay / time.Minute), UnpaidHoldMinutes: int(st.UnpaidHold / time.Minute),
		RestockOnRefund: st.RestockOnRefund()}
}

// storeInput is the body of POST and PATCH on stores; nil fields are absent.
type storeInput struct {
	Name                   *string             `json:"name"`
	Address                *string             `json:"address"`
	TimeZone               *string             `json:"time_zone"`
	Language               *msgcenter.Language `json:"language"`
	IncompleteDelayMinutes *int                `json:"order_incomplete_delay_minutes"`
	UnpaidHoldMinutes      *int                `json:"unpaid_hold_minutes"`
	RestockOnRefund        *bool               `json:"restock_on_refund"`

	BankTransferInstructions *string `json:"bank_transfer_instructions"`
}

func (in storeInput) update() msgcenter.StoreUpdate {
	upd := msgcenter.StoreUpdate{Name: in.Name, Address: in.Address, TimeZone: in.TimeZone, Language: in.Language,
		RestockOnRefund: in.RestockOnRefund, BankTransferInstructions: in.BankTransferInstructions}
	if in.IncompleteDelayMinutes != nil {
		d := minutes(*in.IncompleteDelayMinutes)
		upd.IncompleteDelay = &d
	}
	if in.UnpaidHoldMinutes != nil {
		d := minutes(*in.UnpaidHoldMinutes)
		upd.UnpaidHold = &d
	}
	return upd
}

// minutes converts a number of minutes to a duration; a number too large
// for one becomes -1, which validation refuses, instead of wrapping round
// into an accepted value.
func minutes(n int) time.Duration {
	if n < 0 || n > int(math.MaxInt64/int64(time.Minute)) {
		return -1
	}
	return time.Duration(n) * time.Minute
}

func (s *Server) handleStoreList(w http.ResponseWriter, r *http.Request) {
	stores, err := s.Stores.FindStores(r.Context(), userFrom(r.Context()).ID)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	out := make([]storeJSON, 0, len(stores))
	for _, st := range stores {
		out = append(out, newStoreJSON(st))
	}
	writeJSON(w, http.StatusOK, map[string]any{"stores": out})
}

func (s *Server) handleStoreCreate(w http.ResponseWriter, r *http.Request) {
	var in storeInput
	if err := decodeJSON(r, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	st := &msgcenter.Store{OwnerID: userFrom(r.Context()).ID}
	in.update().Apply(st)
	if err := s.Stores.CreateStore(r.Context(), st); err != nil {
		s.Error(w, r, err)
		return
	}
	s.setupCustomButton(r.Context(), st)
	writeJSON(w, http.StatusCreated, newStoreJSON(st))
}

func (s *Server) handleStoreGet(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, newStoreJSON(storeFrom(r.Context())))
}

func (s *Server) handleStoreUpdate(w http.ResponseWriter, r *http.Request) {
	var in storeInput
	if err := decodeJSON(r, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	st := storeFrom(r.Context())
	updated, err := s.Stores.UpdateStore(r.Context(), st.OwnerID, st.ID, in.update())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.followStoreName(r.Context(), updated)
	writeJSON(w, http.StatusOK, newStoreJSON(updated))
}
