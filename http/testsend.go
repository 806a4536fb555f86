package http

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/i18n"
	"github.com/qiscus/msgcenter/render"
)

// testSendRoutes registers Send test message and the single-delivery read
// its status line polls.
func (s *Server) testSendRoutes() {
	s.handle("POST /api/v1/stores/{store}/message-center/{event}/test", s.apiStore(s.idempotent(s.handleTestSend)))
	s.handle("GET /api/v1/stores/{store}/deliveries/{id}", s.apiStore(s.handleDeliveryGet))
	s.handle("GET /s/{slug}/sample/{page}", s.handleSamplePage)
}

// testSendJSON is the answer to a test send: its queued delivery.
type testSendJSON struct {
	DeliveryID int64                    `json:"delivery_id"`
	Status     msgcenter.DeliveryStatus `json:"status"`
	Test       *msgcenter.TestSend      `json:"test"`
}

// handleTestSend answers POST …/message-center/{event}/test with
// {"room_id": N, …draft fields as for preview}: the draft is checked and
// rendered with the sample data exactly as the preview does, then queued
// for the store's room as a delivery of its own (subject test), which the
// worker sends and records like every message. The automation toggle does
// not apply to a test. A room of another store answers 404.
func (s *Server) handleTestSend(w http.ResponseWriter, r *http.Request) {
	st := storeFrom(r.Context())
	tests, ok := s.Deliveries.(msgcenter.TestSendService)
	if !ok {
		s.Error(w, r, msgcenter.Errorf(msgcenter.EINTERNAL, "Test messages are not available on this server."))
		return
	}
	// The body is the preview's draft plus room_id: read it once, take the
	// room from it, then hand it to the preview's own draft reader. A body
	// that could not be read (too large) fails both reads alike.
	raw, readErr := io.ReadAll(r.Body)
	body := func() io.ReadCloser {
		if readErr != nil {
			return io.NopCloser(errReader{readErr})
		}
		return io.NopCloser(bytes.NewReader(raw))
	}
	// The whole body is checked strictly once; the draft reader then gets
	// it without room_id, which is not a field of a draft.
	var in struct {
		msgcenter.MessageConfigUpdate
		RoomID *int64 `json:"room_id"`
	}
	r.Body = body()
	if err := decodeJSON(r, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	var fieldsIn map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fieldsIn); err != nil || fieldsIn == nil {
		fieldsIn = map[string]json.RawMessage{}
	}
	delete(fieldsIn, "room_id")
	raw, _ = json.Marshal(fieldsIn)
	r.Body = body()
	c, err := s.draftConfig(r)
	if err == nil {
		err = s.checkMessageConfig(r.Context(), st, c)
		if in.RoomID == nil || *in.RoomID <= 0 {
			// The room is the test send's own field, reported with the draft's.
			fields := map[string]string{"room_id": "is required: the id of one of the store's rooms"}
			if msgcenter.ErrorCode(err) == msgcenter.EINVALID {
				for k, v := range msgcenter.ErrorFields(err) {
					fields[k] = v
				}
			}
			if err == nil || msgcenter.ErrorCode(err) == msgcenter.EINVALID {
				err = msgcenter.Invalid("The message configuration is not valid.", fields)
			}
		}
	}
	var msg *render.Message
	if err == nil {
		msg, err = render.RenderMessage(c, s.testSampleData(st))
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	t := &msgcenter.TestSend{
		StoreID: st.ID, Event: c.Event, RoomID: *in.RoomID, Text: testText(render.MessageLanguage(c, st.Language), msg.Text),
		ButtonLabel: msg.Button.Label, ButtonURL: msg.Button.URL, CreatedBy: userFrom(r.Context()).Email,
	}
	id, err := tests.CreateTestSend(r.Context(), t)
	if msgcenter.ErrorCode(err) == msgcenter.ENOTFOUND {
		err = msgcenter.Errorf(msgcenter.ENOTFOUND, "Room not found in this store.")
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/stores/"+r.PathValue("store")+"/deliveries/"+jsonInt(id))
	writeJSON(w, http.StatusAccepted, testSendJSON{DeliveryID: id, Status: msgcenter.StatusQueued, Test: t})
}

// handleDeliveryGet answers one message of the store with its attempts and
// reason text; another store's answers 404.
func (s *Server) handleDeliveryGet(w http.ResponseWriter, r *http.Request) {
	st := storeFrom(r.Context())
	id, err := idFrom(r, "id")
	var d *msgcenter.Delivery
	if err == nil {
		d, err = s.Deliveries.FindDelivery(r.Context(), st.ID, id)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, deliveriesJSON([]*msgcenter.Delivery{d}, st.Language)[0])
}

// testText marks the text of a test message as a test, in the message's
// language (render.MessageLanguage: a default message's own, a custom
// one's the store's) ("[TEST] …", "[UJI COBA] …"), so whoever reads it in the
// chat room knows that no order stands behind it.
func testText(lang msgcenter.Language, text string) string {
	return i18n.For(lang).T("test.marker") + " " + text
}

// testSampleData is the sample data a test message is rendered with, its
// links pointing at pages that exist: the store's sample order and
// receipt pages (labelled as samples), and the store's microsite for the
// events whose button opens the shop or resumes a checkout.
func (s *Server) testSampleData(st *msgcenter.Store) *render.Data {
	d := render.SampleData(st.Name, s.publicLink(""))
	d.StoreLanguage = st.Language
	d.DetailsPath = msgcenter.SamplePagePath(st.Slug, msgcenter.SampleOrderPage)
	d.ReceiptPath = msgcenter.SamplePagePath(st.Slug, msgcenter.SampleReceiptPage)
	d.MicrositeURL = s.publicLink(msgcenter.ShopPath(st.Slug))
	d.ResumeURL = d.MicrositeURL
	return d
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }

// errReader fails every read with err, so a body that could not be read is
// reported the way decodeJSON reports it (too large, or malformed).
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
