package msgcenter_test

import (
	"strings"
	"testing"

	"github.com/qiscus/msgcenter"
)

func TestMessageConfigValidate(t *testing.T) {
	// Every event's default configuration is valid as it is.
	for _, e := range msgcenter.Events() {
		t.Run("Default_"+string(e), func(t *testing.T) {
			if err := msgcenter.DefaultMessageConfig(1, e).Validate(); err != nil {
				t.Fatalf("Validate() = %v, want nil", err)
			}
		})
	}

	custom := func() *msgcenter.MessageConfig {
		c := msgcenter.DefaultMessageConfig(1, msgcenter.EventOrderPlaced)
		c.Type, c.Language = msgcenter.MessageTypeCustom, msgcenter.LanguageIndonesian
		c.Body, c.ButtonLabel = "Halo {{customer.name}}, pesanan {{order_id}} sudah kami terima.", "Lihat pesanan"
		return c
	}
	eventMsg := "must be one of " + strings.Join([]string{string(msgcenter.EventShareMicrositeURL), string(msgcenter.EventOrderFailed),
		string(msgcenter.EventOrderIncomplete), string(msgcenter.EventOrderPlaced), string(msgcenter.EventOrderPaid)}, ", ")
	const (
		typeMsg     = "must be one of default, custom"
		langMsg     = "must be one of en, id"
		requiredMsg = "is required for a custom message"
		bodyMsg     = "must be at most 4096 characters"
		labelMsg    = "must be at most 20 characters"
		manualMsg   = "cannot be set on share_microsite_url, which agents send by hand"
		fallbackMsg = "is available on order_placed and order_paid only"
	)
	testValidate(t, custom, (*msgcenter.MessageConfig).Validate, "The message configuration is not valid.",
		[]validateCase[msgcenter.MessageConfig]{
			{"EventUnknown", func(c *msgcenter.MessageConfig) {
				c.Event, c.AutomationEnabled, c.Fallback = "order_shipped", false, nil
			},
				map[string]string{"event": eventMsg}},
			{"EventEmpty", func(c *msgcenter.MessageConfig) { c.Event, c.AutomationEnabled, c.Fallback = "", false, nil },
				map[string]string{"event": eventMsg}},
			{"TypeUnknown", func(c *msgcenter.MessageConfig) { c.Type = "html" }, map[string]string{"type": typeMsg}},
			{"TypeEmpty", func(c *msgcenter.MessageConfig) { c.Type = "" }, map[string]string{"type": typeMsg}},
			{"LanguageUnknown", func(c *msgcenter.MessageConfig) { c.Language = "fr" }, map[string]string{"language": langMsg}},
			{"LanguageEmpty", func(c *msgcenter.MessageConfig) { c.Language = "" }, map[string]string{"language": langMsg}},
			{"CustomBodyEmpty", func(c *msgcenter.MessageConfig) { c.Body = "" }, map[string]string{"body": requiredMsg}},
			{"CustomBody4097Runes", func(c *msgcenter.MessageConfig) { c.Body = strings.Repeat("é", msgcenter.MaxBodyLength+1) },
				map[string]string{"body": bodyMsg}},
			{"CustomLabelEmpty", func(c *msgcenter.MessageConfig) { c.ButtonLabel = "" }, map[string]string{"button_label": requiredMsg}},
			{"CustomLabel21Runes", func(c *msgcenter.MessageConfig) {
				c.ButtonLabel = strings.Repeat("é", msgcenter.MaxButtonLabelLength+1)
			}, map[string]string{"button_label": labelMsg}},
			{"CustomBothEmpty", func(c *msgcenter.MessageConfig) { c.Body, c.ButtonLabel = "", "" },
				map[string]string{"body": requiredMsg, "button_label": requiredMsg}},
			{"AutomationOnManualEvent", func(c *msgcenter.MessageConfig) {
				c.Event, c.Fallback, c.AutomationEnabled = msgcenter.EventShareMicrositeURL, nil, true
			}, map[string]string{"automation_enabled": manualMsg}},
			{"FallbackOnOrderFailed", func(c *msgcenter.MessageConfig) { c.Event = msgcenter.EventOrderFailed },
				map[string]string{"fallback": fallbackMsg}},
			{"FallbackOnOrderIncomplete", func(c *msgcenter.MessageConfig) {
				c.Event, c.Fallback = msgcenter.EventOrderIncomplete, &msgcenter.FallbackConfig{Enabled: true}
			}, map[string]string{"fallback": fallbackMsg}},
			{"FallbackOnShareMicrositeURL", func(c *msgcenter.MessageConfig) {
				c.Event, c.AutomationEnabled = msgcenter.EventShareMicrositeURL, false
			}, map[string]string{"fallback": fallbackMsg}},
			{"Everything", func(c *msgcenter.MessageConfig) {
				c.Event, c.AutomationEnabled = msgcenter.EventShareMicrositeURL, true
				c.Language, c.Body, c.ButtonLabel = "", "", strings.Repeat("x", 21)
			}, map[string]string{"language": langMsg, "body": requiredMsg, "button_label": labelMsg,
				"automation_enabled": manualMsg, "fallback": fallbackMsg}},
		}, map[string]func(*msgcenter.MessageConfig){
			"CustomBody4096Runes": func(c *msgcenter.MessageConfig) { c.Body = strings.Repeat("é", msgcenter.MaxBodyLength) },
			"CustomLabel20Runes": func(c *msgcenter.MessageConfig) {
				c.ButtonLabel = strings.Repeat("é", msgcenter.MaxButtonLabelLength)
			},
			"English":       func(c *msgcenter.MessageConfig) { c.Language = msgcenter.LanguageEnglish },
			"AutomationOff": func(c *msgcenter.MessageConfig) { c.AutomationEnabled = false },
			"OrderPaid":     func(c *msgcenter.MessageConfig) { c.Event = msgcenter.EventOrderPaid },
			"NoFallback":    func(c *msgcenter.MessageConfig) { c.Fallback = nil },
			// A default message takes its text from the built-in template.
			"DefaultWithoutText": func(c *msgcenter.MessageConfig) {
				c.Type, c.Body, c.ButtonLabel = msgcenter.MessageTypeDefault, "", ""
			},
			"ManualEventAutomationOff": func(c *msgcenter.MessageConfig) {
				c.Event, c.Fallback, c.AutomationEnabled = msgcenter.EventShareMicrositeURL, nil, false
			},
		})
}
