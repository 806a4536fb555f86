package http

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/i18n"
)

// timeZones are the zones the Location tab offers: Indonesia's three first,
// then the region's and a few others. A store's own zone is added when it
// is none of these, so saving never changes it by surprise.
var timeZones = []string{
	"Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura",
	"Asia/Singapore", "Asia/Kuala_Lumpur", "Asia/Bangkok", "Asia/Ho_Chi_Minh", "Asia/Manila",
	"Asia/Hong_Kong", "Asia/Tokyo", "Asia/Kolkata", "Asia/Dubai", "Australia/Perth", "Australia/Sydney",
	"Europe/London", "Europe/Amsterdam", "America/New_York", "America/Los_Angeles", "UTC",
}

// locationPage is the Location tab: the store's own settings.
type locationPage struct {
	*adminPage
	Name, Address, TimeZone, Language, Delay string
	// Restock is the restock_on_refund checkbox: "1" on, "0" off.
	Restock     string
	TimeZones   []string
	Languages   []option
	Fields      map[string]string
	Integration *integrationSection

	// BankTransfer is the store's bank transfer instructions.
	BankTransfer string
}

// option is one choice of a select.
type option struct{ Value, Label string }

func languageOptions() []option {
	t := i18n.For(msgcenter.LanguageEnglish).T // each language's name is the same in every catalogue: its own
	return []option{{string(msgcenter.LanguageEnglish), t("lang.en")}, {string(msgcenter.LanguageIndonesian), t("lang.id")}}
}

func (s *Server) newLocationPage(r *http.Request) (*locationPage, error) {
	p, err := s.newAdminPage(r, "admin.location.title", "location")
	if err != nil {
		return nil, err
	}
	st := p.Store
	lp := &locationPage{
		adminPage: p, Name: st.Name, Address: st.Address, TimeZone: st.TimeZone, Language: string(st.Language),
		Delay: strconv.Itoa(int(st.IncompleteDelay / time.Minute)), Languages: languageOptions(), Restock: "0",
		BankTransfer: st.BankTransferInstructions,
	}
	if st.RestockOnRefund() {
		lp.Restock = "1"
	}
	if lp.Integration, err = s.integrationFor(r); err != nil {
		return nil, err
	}
	lp.TimeZones = timeZones
	if !slices.Contains(timeZones, st.TimeZone) && st.TimeZone != "" {
		lp.TimeZones = append([]string{st.TimeZone}, timeZones...)
	}
	return lp, nil
}

func (s *Server) handleLocationPage(w http.ResponseWriter, r *http.Request) {
	p, err := s.newLocationPage(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if r.URL.Query().Get("saved") != "" {
		p.Notice = p.T("admin.location.saved")
	}
	s.renderAdmin(w, r, http.StatusOK, "admin_location.html", p)
}

// handleLocationSave applies the form through StoreService.UpdateStore, the
// same rule as the API's PATCH; a refused form is shown again as typed,
// with each field's error beside it, and nothing is saved.
func (s *Server) handleLocationSave(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.Error(w, r, msgcenter.Errorf(ebadrequest, "The form could not be read."))
		return
	}
	f := r.PostForm
	name, address, tz := f.Get("name"), f.Get("address"), f.Get("time_zone")
	lang := msgcenter.Language(f.Get("language"))
	upd := msgcenter.StoreUpdate{Name: &name, Address: &address, TimeZone: &tz, Language: &lang}
	bank := f.Get("bank_transfer_instructions")
	upd.BankTransferInstructions = &bank
	delay := strings.TrimSpace(f.Get("order_incomplete_delay_minutes"))
	// The checkbox sends "1" after its hidden "0": the last value holds.
	restock := ""
	if vs := f["restock_on_refund"]; len(vs) > 0 {
		restock = vs[len(vs)-1]
	}
	fields := map[string]string{}
	n, perr := strconv.Atoi(delay)
	if perr != nil {
		fields["order_incomplete_delay_minutes"] = "must be a whole number of minutes between 1 and 10080"
	}
	switch restock {
	case "0", "1":
		on := restock == "1"
		upd.RestockOnRefund = &on
	case "":
		// A form without the setting leaves it as it is.
	default:
		fields["restock_on_refund"] = "must be on or off"
	}
	var err error
	if len(fields) > 0 {
		err = msgcenter.Invalid("The store is not valid.", fields)
	} else {
		d := time.Duration(n) * time.Minute
		upd.IncompleteDelay = &d
		st := storeFrom(r.Context())
		var updated *msgcenter.Store
		if updated, err = s.Stores.UpdateStore(r.Context(), st.OwnerID, st.ID, upd); err == nil {
			s.followStoreName(r.Context(), updated)
		}
	}
	if msgcenter.ErrorCode(err) == msgcenter.EINVALID {
		p, perr := s.newLocationPage(r)
		if perr != nil {
			s.Error(w, r, perr)
			return
		}
		p.Name, p.Address, p.TimeZone, p.Language, p.Delay = name, address, tz, string(lang), delay
		if restock == "0" || restock == "1" {
			p.Restock = restock
		}
		p.BankTransfer = bank
		if tz != "" && !slices.Contains(p.TimeZones, tz) {
			p.TimeZones = append([]string{tz}, p.TimeZones...)
		}
		lang := msgcenter.Language(p.Lang)
		p.Fields = i18n.TranslateFields(lang, msgcenter.ErrorFields(err))
		p.Problem = i18n.Translate(lang, msgcenter.ErrorMessage(err)) + " " + p.T("admin.check_fields")
		s.renderAdmin(w, r, http.StatusUnprocessableEntity, "admin_location.html", p)
		return
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	http.Redirect(w, r, storeURL(storeFrom(r.Context()), "/location?saved=1"), http.StatusSeeOther)
}
