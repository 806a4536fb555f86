package msgcenter_test

import (
	"maps"
	"strings"
	"testing"

	"github.com/qiscus/msgcenter"
)

// custom returns a valid custom configuration of event.
func custom(event msgcenter.Event) *msgcenter.MessageConfig {
	c := msgcenter.DefaultMessageConfig(1, event)
	c.Type, c.Body, c.ButtonLabel = msgcenter.MessageTypeCustom, "Halo {{customer.name}}", "Lihat"
	return c
}

func TestMessageConfigValidateRules(t *testing.T) {
	t.Run("DefaultsAreValid", func(t *testing.T) {
		for _, e := range msgcenter.Events() {
			if err := msgcenter.DefaultMessageConfig(1, e).Validate(); err != nil {
				t.Errorf("%s: %v", e, err)
			}
			if err := custom(e).Validate(); err != nil {
				t.Errorf("%s custom: %v", e, err)
			}
		}
	})
	for _, tc := range []struct {
		name   string
		change func(c *msgcenter.MessageConfig)
		event  msgcenter.Event
		fields map[string]string
	}{
		{"ErrEvent", func(c *msgcenter.MessageConfig) { c.Event = "order_lost" }, msgcenter.EventOrderPlaced,
			map[string]string{"event": "must be one of share_microsite_url, order_failed, order_incomplete, order_placed, order_paid"}},
		{"ErrType", func(c *msgcenter.MessageConfig) { c.Type = "fancy" }, msgcenter.EventOrderPaid,
			map[string]string{"type": "must be one of default, custom"}},
		{"ErrLanguage", func(c *msgcenter.MessageConfig) { c.Language = "fr" }, msgcenter.EventOrderPaid,
			map[string]string{"language": "must be one of en, id"}},
		{"ErrBodyRequired", func(c *msgcenter.MessageConfig) { c.Body = "" }, msgcenter.EventOrderPaid,
			map[string]string{"body": "is required for a custom message"}},
		{"ErrBodyTooLong", func(c *msgcenter.MessageConfig) { c.Body = strings.Repeat("é", msgcenter.MaxBodyLength+1) }, msgcenter.EventOrderPaid,
			map[string]string{"body": "must be at most 4096 characters"}},
		{"ErrLabelRequired", func(c *msgcenter.MessageConfig) { c.ButtonLabel = "" }, msgcenter.EventOrderPaid,
			map[string]string{"button_label": "is required for a custom message"}},
		{"ErrLabelTooLong", func(c *msgcenter.MessageConfig) {
			c.ButtonLabel = strings.Repeat("a", msgcenter.MaxButtonLabelLength+1)
		}, msgcenter.EventOrderPaid,
			map[string]string{"button_label": "must be at most 20 characters"}},
		{"ErrToggleOnShare", func(c *msgcenter.MessageConfig) { c.AutomationEnabled = true }, msgcenter.EventShareMicrositeURL,
			map[string]string{"automation_enabled": "cannot be set on share_microsite_url, which agents send by hand"}},
		{"ErrFallbackOnFailed", func(c *msgcenter.MessageConfig) { c.Fallback = &msgcenter.FallbackConfig{} }, msgcenter.EventOrderFailed,
			map[string]string{"fallback": "is available on order_placed and order_paid only"}},
		{"ErrSeveral", func(c *msgcenter.MessageConfig) { c.Language, c.Body, c.ButtonLabel = "", "", "" }, msgcenter.EventOrderPlaced,
			map[string]string{"language": "must be one of en, id", "body": "is required for a custom message", "button_label": "is required for a custom message"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := custom(tc.event)
			tc.change(c)
			err := c.Validate()
			if code := msgcenter.ErrorCode(err); code != msgcenter.EINVALID {
				t.Fatalf("code %q (%v), want EINVALID", code, err)
			}
			if msg := msgcenter.ErrorMessage(err); msg != "The message configuration is not valid." {
				t.Errorf("message %q", msg)
			}
			if got := msgcenter.ErrorFields(err); !maps.Equal(got, tc.fields) {
				t.Errorf("fields %v, want %v", got, tc.fields)
			}
		})
	}
	t.Run("LimitsInclusive", func(t *testing.T) {
		c := custom(msgcenter.EventOrderPaid)
		c.Body, c.ButtonLabel = strings.Repeat("é", msgcenter.MaxBodyLength), strings.Repeat("é", msgcenter.MaxButtonLabelLength)
		if err := c.Validate(); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("DefaultTypeNeedsNoBody", func(t *testing.T) {
		c := msgcenter.DefaultMessageConfig(1, msgcenter.EventOrderPaid)
		c.Body, c.ButtonLabel = "", ""
		if err := c.Validate(); err != nil {
			t.Fatal(err)
		}
	})
}

func TestMessageConfigUpdateApply(t *testing.T) {
	ptr := func(b bool) *bool { return &b }
	t.Run("SetsGivenFieldsOnly", func(t *testing.T) {
		cur := custom(msgcenter.EventOrderPlaced)
		cur.Version = 3
		lang, body := msgcenter.LanguageIndonesian, "Baru {{order_id}}"
		nine := int64(9)
		n := msgcenter.MessageConfigUpdate{Language: &lang, Body: &body, AutomationEnabled: ptr(false),
			Fallback: &msgcenter.FallbackUpdate{Enabled: ptr(true), ChannelID: &nine}}.Apply(cur)
		if n == cur || n.Language != lang || n.Body != body || n.AutomationEnabled || n.Fallback.ChannelID != 9 {
			t.Fatalf("applied %+v", n)
		}
		if n.Type != cur.Type || n.ButtonLabel != cur.ButtonLabel || n.Version != 3 {
			t.Errorf("kept fields changed: %+v", n)
		}
		if cur.Language != msgcenter.LanguageEnglish || !cur.AutomationEnabled || cur.Fallback.ChannelID != 0 {
			t.Errorf("current configuration changed: %+v", cur)
		}
		if err := n.Validate(); err != nil {
			t.Error(err)
		}
	})
	t.Run("ErrToggleOnShareEvenFalse", func(t *testing.T) {
		n := msgcenter.MessageConfigUpdate{AutomationEnabled: ptr(false)}.Apply(msgcenter.DefaultMessageConfig(1, msgcenter.EventShareMicrositeURL))
		want := map[string]string{"automation_enabled": "cannot be set on share_microsite_url, which agents send by hand"}
		if got := msgcenter.ErrorFields(n.Validate()); !maps.Equal(got, want) {
			t.Errorf("fields %v, want %v", got, want)
		}
	})
	t.Run("ErrFallbackOnShare", func(t *testing.T) {
		n := msgcenter.MessageConfigUpdate{Fallback: &msgcenter.FallbackUpdate{}}.Apply(msgcenter.DefaultMessageConfig(1, msgcenter.EventShareMicrositeURL))
		if got := msgcenter.ErrorFields(n.Validate()); got["fallback"] != "is available on order_placed and order_paid only" {
			t.Errorf("fields %v", got)
		}
	})
}

func TestFallbackUpdateApply(t *testing.T) {
	ptr := func(b bool) *bool { return &b }
	cur := &msgcenter.FallbackConfig{Enabled: true, ChannelID: 4, TemplateType: msgcenter.TemplateType24Hour,
		TemplateCategory: msgcenter.CategoryUtility, TemplateName: "order_update", TemplateLanguage: "id",
		Variables: []msgcenter.Binding{{Placeholder: "customer.name"}}, Button: &msgcenter.Binding{Placeholder: "order.details_path"}}
	t.Run("AbsentFieldsKeepTheirValue", func(t *testing.T) {
		n := msgcenter.FallbackUpdate{Enabled: ptr(false)}.Apply(cur)
		want := *cur
		want.Enabled = false
		if n.Enabled || n.TemplateName != "order_update" || n.ChannelID != 4 || len(n.Variables) != 1 || n.Button == nil ||
			n.TemplateLanguage != want.TemplateLanguage || n.TemplateType != want.TemplateType || n.TemplateCategory != want.TemplateCategory {
			t.Fatalf("applied %+v, want %+v", n, want)
		}
		n.Variables[0].Text, n.Button.Placeholder = "changed", "changed"
		if cur.Variables[0].Text != "" || cur.Button.Placeholder != "order.details_path" || !cur.Enabled {
			t.Errorf("the current fallback changed through the copy: %+v", cur)
		}
	})
	t.Run("GivenFieldsSet", func(t *testing.T) {
		name, vars := "receipt", []msgcenter.Binding{}
		n := msgcenter.FallbackUpdate{TemplateName: &name, Variables: &vars, Button: &msgcenter.Binding{}}.Apply(cur)
		if n.TemplateName != "receipt" || len(n.Variables) != 0 || n.Button != nil || !n.Enabled || n.ChannelID != 4 {
			t.Errorf("applied %+v", n)
		}
	})
	t.Run("OnNone", func(t *testing.T) {
		if n := (msgcenter.FallbackUpdate{Enabled: ptr(true)}).Apply(nil); !n.Enabled || n.TemplateName != "" {
			t.Errorf("applied %+v", n)
		}
	})
}

func TestMessageConfigFallbackEnabled(t *testing.T) {
	for _, tc := range []struct {
		name  string
		event msgcenter.Event
		fb    *msgcenter.FallbackConfig
		want  bool
	}{
		{"Enabled", msgcenter.EventOrderPlaced, &msgcenter.FallbackConfig{Enabled: true}, true},
		{"Disabled", msgcenter.EventOrderPaid, &msgcenter.FallbackConfig{}, false},
		{"None", msgcenter.EventOrderPaid, nil, false},
		{"EventWithout", msgcenter.EventOrderFailed, &msgcenter.FallbackConfig{Enabled: true}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := msgcenter.DefaultMessageConfig(1, tc.event)
			c.Fallback = tc.fb
			if got := c.FallbackEnabled(); got != tc.want {
				t.Errorf("got %v", got)
			}
		})
	}
}
