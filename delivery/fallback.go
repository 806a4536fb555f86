package delivery

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/render"
)

// deliverFallback sends the WhatsApp template configured for the event in
// place of an automation message whose session window had closed. The
// template is checked again now: its approval may have been withdrawn since
// the admin chose it.
func (s *Service) deliverFallback(ctx context.Context, work *msgcenter.DeliveryWork) error {
	d, fb := work.Delivery, work.Config.Fallback
	if !work.Config.FallbackEnabled() {
		return s.record(ctx, work, msgcenter.DeliveryResult{Status: msgcenter.StatusSkipped, Reason: msgcenter.ReasonFallbackDisabled})
	}
	provider, err := s.providerFor(ctx, work)
	if err != nil {
		return fmt.Errorf("provider of store %d: %w", d.StoreID, err)
	}
	failed := func(reason msgcenter.Reason, why string) error {
		return s.record(ctx, work, msgcenter.DeliveryResult{Status: msgcenter.StatusFailed, Reason: reason,
			Attempt: &msgcenter.Attempt{At: s.cfg.Now(), Outcome: msgcenter.OutcomeFailed, Error: why}})
	}
	channel, err := s.cfg.Commerce.FindChannel(ctx, d.StoreID, fb.ChannelID)
	if msgcenter.ErrorCode(err) == msgcenter.ENOTFOUND {
		return failed(msgcenter.ReasonUndeliverable, "the fallback channel no longer exists")
	} else if err != nil {
		return err
	}
	tpl, err := render.FindTemplate(ctx, provider, d.StoreID, channel.ID, fb.TemplateName, fb.TemplateLanguage)
	if msgcenter.ErrorCode(err) == msgcenter.EINVALID {
		// The channel cannot be looked up on the platform (no platform id).
		return failed(msgcenter.ReasonUndeliverable, msgcenter.ErrorMessage(err))
	} else if err != nil && msgcenter.ErrorCode(err) != msgcenter.ENOTFOUND {
		return s.retryOrFail(ctx, work, err)
	}
	if err != nil {
		return failed(msgcenter.ReasonTemplateNotApproved,
			fmt.Sprintf("template %s (%s) is not on channel %d", fb.TemplateName, fb.TemplateLanguage, channel.ID))
	}
	// The save's own rule (render.TemplateProblems), asked again: approval,
	// category or the accepted CTA bases may have changed since.
	bases := render.CTABases(s.cfg.CTABaseURLs, s.cfg.PublicURL)
	if problems := render.TemplateProblems(tpl, bases); len(problems) > 0 {
		return failed(msgcenter.ReasonTemplateNotApproved, fmt.Sprintf("template %s (%s) on channel %d cannot serve as fallback: %s",
			fb.TemplateName, fb.TemplateLanguage, channel.ID, strings.Join(slices.Sorted(maps.Values(problems)), "; ")))
	}
	// The customer's own WhatsApp channel is preferred when it holds the
	// same approved template: the message then arrives in their conversation.
	if room := work.Room; room != nil && room.ChannelType == msgcenter.ChannelWhatsApp && room.ChannelID != channel.ID && work.Channel != nil {
		own, err := render.FindTemplate(ctx, provider, d.StoreID, room.ChannelID, tpl.Name, tpl.Language)
		if err == nil && render.UsableForFallback(own, bases) && own.Identical(tpl) {
			channel, tpl = work.Channel, own
		}
	}
	phone := ""
	if work.Room != nil {
		phone = work.Room.CustomerPhone
	}
	if phone == "" && work.Order != nil {
		phone = work.Order.CustomerPhone
	}
	if phone == "" {
		return failed(msgcenter.ReasonUndeliverable, "the customer has no phone number to send a WhatsApp template to")
	}

	data := s.data(ctx, work)
	fm := render.RenderFallback(tpl, work.Config, work.Store.Language, data)
	res := msgcenter.DeliveryResult{Text: fm.Text, ButtonLabel: fm.Button.Label, ButtonURL: fm.Button.URL,
		ChannelID: &channel.ID, ChannelType: channel.Type}
	m := &msgcenter.TemplateMessage{
		StoreID: d.StoreID, Channel: channel, To: phone, Template: tpl, Params: fm.Params, ButtonSuffix: fm.ButtonSuffix,
		HeaderParams: fm.HeaderParams, HeaderMedia: s.headerMedia(tpl, work, data),
		Key: fmt.Sprintf("msgcenter-%d", d.ID),
	}
	start := time.Now()
	sent, sendErr := provider.SendTemplate(ctx, m)
	s.cfg.Metrics.providerLatency(time.Since(start))
	return s.finish(ctx, work, res, sent, sendErr)
}

// retryOrFail treats an error reading the catalogue like a failed send.
func (s *Service) retryOrFail(ctx context.Context, work *msgcenter.DeliveryWork, err error) error {
	return s.finish(ctx, work, msgcenter.DeliveryResult{}, nil, err)
}

// headerMedia is the file a document header carries: the receipt's PDF for
// Order Paid. Other media headers send the sample the template was approved
// with (nil here).
func (s *Service) headerMedia(tpl *msgcenter.WhatsAppTemplate, work *msgcenter.DeliveryWork, data *render.Data) *msgcenter.MediaLink {
	if tpl.HeaderFormat != msgcenter.HeaderDocument || work.Delivery.Event != msgcenter.EventOrderPaid || work.Order == nil {
		return nil
	}
	return &msgcenter.MediaLink{URL: s.cfg.PublicURL + data.ReceiptPath + ".pdf",
		Filename: fmt.Sprintf("receipt-%d.pdf", work.Order.Number)}
}
