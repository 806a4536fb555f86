package render_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/mock"
	"github.com/qiscus/msgcenter/render"
)

// catalogue is a provider whose channels hold templates, or whose
// catalogue fails with err.
func catalogue(byChannel map[int64][]*msgcenter.WhatsAppTemplate, err error) *mock.Provider {
	return &mock.Provider{TemplatesFn: func(_ context.Context, _, channelID int64) ([]*msgcenter.WhatsAppTemplate, error) {
		return byChannel[channelID], err
	}}
}

const publicBase = "https://shop.example.com/"

// orderUpdate is an approved utility template with two variables and a
// dynamic button on the public base URL.
func orderUpdate() *msgcenter.WhatsAppTemplate {
	return &msgcenter.WhatsAppTemplate{
		ChannelID: 5, Name: "order_update", Language: "id", Category: msgcenter.CategoryUtility,
		Type: msgcenter.TemplateType24Hour, Status: msgcenter.TemplateApproved,
		Body:    "Halo {{1}}, total {{2}}.",
		Buttons: []msgcenter.TemplateButton{{Type: msgcenter.ButtonURL, Text: "Lihat", URL: publicBase, Dynamic: true}},
	}
}

// fallbackConfig is an Order Paid configuration whose enabled fallback
// binds orderUpdate fully.
func fallbackConfig() *msgcenter.MessageConfig {
	c := msgcenter.DefaultMessageConfig(1, msgcenter.EventOrderPaid)
	c.Fallback = &msgcenter.FallbackConfig{
		Enabled: true, ChannelID: 5, TemplateType: msgcenter.TemplateType24Hour, TemplateCategory: msgcenter.CategoryUtility,
		TemplateName: "order_update", TemplateLanguage: "id",
		Variables: []msgcenter.Binding{{Placeholder: "customer.name"}, {Placeholder: "order.grand_total"}},
		Button:    &msgcenter.Binding{Placeholder: "order.receipt_path"},
	}
	return c
}

var whatsApp = &msgcenter.Channel{ID: 5, StoreID: 1, Type: msgcenter.ChannelWhatsApp, Name: "CS"}

func TestFindTemplate(t *testing.T) {
	ctx := context.Background()
	other := orderUpdate()
	other.Language = "en"
	p := catalogue(map[int64][]*msgcenter.WhatsAppTemplate{5: {other, orderUpdate()}}, nil)
	t.Run("ByNameAndLanguage", func(t *testing.T) {
		tpl, err := render.FindTemplate(ctx, p, 1, 5, "order_update", "id")
		if err != nil || tpl.Language != "id" {
			t.Fatalf("got %+v, %v", tpl, err)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		for _, tc := range []struct {
			channel        int64
			name, language string
		}{{5, "order_update", "fr"}, {5, "receipt", "id"}, {6, "order_update", "id"}} {
			_, err := render.FindTemplate(ctx, p, 1, tc.channel, tc.name, tc.language)
			if msgcenter.ErrorCode(err) != msgcenter.ENOTFOUND {
				t.Errorf("%+v: %v, want ENOTFOUND", tc, err)
			}
		}
	})
	t.Run("ProviderError", func(t *testing.T) {
		boom := errors.New("catalogue down")
		_, err := render.FindTemplate(ctx, catalogue(nil, boom), 1, 5, "order_update", "id")
		if !errors.Is(err, boom) {
			t.Fatalf("got %v", err)
		}
	})
}

func TestMessageLanguage(t *testing.T) {
	c := msgcenter.DefaultMessageConfig(1, msgcenter.EventOrderPaid)
	c.Language = msgcenter.LanguageEnglish
	if got := render.MessageLanguage(c, msgcenter.LanguageIndonesian); got != msgcenter.LanguageEnglish {
		t.Errorf("default message: %q, want the message's language", got)
	}
	c.Type = msgcenter.MessageTypeCustom
	if got := render.MessageLanguage(c, msgcenter.LanguageIndonesian); got != msgcenter.LanguageIndonesian {
		t.Errorf("custom message: %q, want the store's language", got)
	}
}

func TestRenderFallback(t *testing.T) {
	d := fixture()
	t.Run("FillsVariablesAndButton", func(t *testing.T) {
		m := render.RenderFallback(orderUpdate(), fallbackConfig(), msgcenter.LanguageIndonesian, d)
		want := []string{"Siti Rahma", rp + "87.500"}
		if !slices.Equal(m.Params, want) {
			t.Errorf("params %q, want %q", m.Params, want)
		}
		if m.Text != "Halo Siti Rahma, total "+rp+"87.500." {
			t.Errorf("text %q", m.Text)
		}
		if m.ButtonSuffix != "receipt/abc123" || m.Button.Label != "Lihat" || m.Button.URL != publicBase+"receipt/abc123" {
			t.Errorf("button %+v, suffix %q", m.Button, m.ButtonSuffix)
		}
	})
	t.Run("ProductLinesFlattened", func(t *testing.T) {
		c := fallbackConfig()
		c.Fallback.Variables[1] = msgcenter.Binding{Placeholder: "order.products"}
		m := render.RenderFallback(orderUpdate(), c, msgcenter.LanguageIndonesian, d)
		if want := "3 x Es Kopi Susu — " + rp + "54.000; 1 x Roti Bakar Keju — " + rp + "22.000"; m.Params[1] != want {
			t.Errorf("params %q, want %q", m.Params[1], want)
		}
	})
	// A long order's product list in a template variable is shortened by
	// the length rule until the filled body is within WhatsApp's limit.
	t.Run("LongOrderWithinTemplateLimit", func(t *testing.T) {
		c := fallbackConfig()
		c.Fallback.Variables[1] = msgcenter.Binding{Placeholder: "order.products"}
		for _, lang := range msgcenter.Languages() {
			c.Language = lang
			m := render.RenderFallback(orderUpdate(), c, msgcenter.LanguageIndonesian, bigOrder(40, false))
			n := utf8.RuneCountInString(m.Text)
			shown := strings.Count(m.Params[1], " x Kopi")
			more := map[msgcenter.Language]string{msgcenter.LanguageEnglish: "; …and %d more items", msgcenter.LanguageIndonesian: "; …dan %d produk lainnya"}[lang]
			if n > msgcenter.MaxTemplateBodyLength || shown == 0 || !strings.HasSuffix(m.Params[1], fmt.Sprintf(more, 40-shown)) {
				t.Errorf("%s: %d characters, %d lines shown: %q", lang, n, shown, m.Params[1])
			}
		}
		// A short order is filled as it is.
		if m := render.RenderFallback(orderUpdate(), c, msgcenter.LanguageIndonesian, d); strings.Contains(m.Params[1], "…") {
			t.Errorf("a short order was shortened: %q", m.Params[1])
		}
	})
	t.Run("HeaderNumberedApart", func(t *testing.T) {
		tpl := orderUpdate()
		tpl.HeaderFormat, tpl.Header = msgcenter.HeaderText, "Order {{1}}"
		c := fallbackConfig()
		c.Fallback.HeaderVariables = []msgcenter.Binding{{Placeholder: "order_id"}}
		m := render.RenderFallback(tpl, c, msgcenter.LanguageIndonesian, d)
		// The header's {{1}} is its own, not the body's {{1}} (the name).
		if len(m.HeaderParams) != 1 || m.HeaderParams[0] == m.Params[0] || !strings.HasPrefix(m.HeaderParams[0], "#") {
			t.Errorf("header params %q with body params %q, want the order number alone", m.HeaderParams, m.Params)
		}
		if m.Header != "Order "+m.HeaderParams[0] {
			t.Errorf("header %q, want it filled with %q", m.Header, m.HeaderParams[0])
		}
		if m := render.RenderFallback(orderUpdate(), c, msgcenter.LanguageIndonesian, d); m.HeaderParams != nil {
			t.Errorf("a template without header variables got header params %q", m.HeaderParams)
		}
	})
	t.Run("TextBindingAndNoButton", func(t *testing.T) {
		tpl := orderUpdate()
		tpl.Buttons = nil
		c := fallbackConfig()
		c.Fallback.Variables = []msgcenter.Binding{{Text: "Kak\n  Budi"}}
		m := render.RenderFallback(tpl, c, msgcenter.LanguageIndonesian, d)
		if !slices.Equal(m.Params, []string{"Kak; Budi", ""}) || m.Button != (render.Button{}) || m.ButtonSuffix != "" || m.Buttons != nil {
			t.Errorf("got %+v", m)
		}
	})
	t.Run("StaticButtonsShown", func(t *testing.T) {
		tpl := orderUpdate()
		tpl.Buttons = []msgcenter.TemplateButton{
			{Type: msgcenter.ButtonURL, Text: "Visit Website", URL: "https://kopi.example/"},
			{Type: msgcenter.ButtonURL, Text: "Lihat", URL: render.SpecCTABase, Dynamic: true},
			{Type: msgcenter.ButtonPhone, Text: "Call us", Phone: "+62221234"},
			{Type: msgcenter.ButtonQuickReply, Text: "Stop"},
		}
		m := render.RenderFallback(tpl, fallbackConfig(), msgcenter.LanguageIndonesian, d)
		want := []render.Button{{Label: "Visit Website", URL: "https://kopi.example/"},
			{Label: "Lihat", URL: render.SpecCTABase + "receipt/abc123"}, {Label: "Call us", URL: "tel:+62221234"}, {Label: "Stop"}}
		if !slices.Equal(m.Buttons, want) {
			t.Errorf("buttons %+v, want %+v", m.Buttons, want)
		}
		// The recorded button is the dynamic one, built on the template's own base.
		if m.Button != want[1] {
			t.Errorf("button %+v, want %+v", m.Button, want[1])
		}
		tpl.Buttons = tpl.Buttons[:1]
		c := fallbackConfig()
		c.Fallback.Button = nil
		if m := render.RenderFallback(tpl, c, msgcenter.LanguageIndonesian, d); m.Button != want[0] || m.ButtonSuffix != "" {
			t.Errorf("a static button alone: %+v, suffix %q", m.Button, m.ButtonSuffix)
		}
	})
}

func TestCTABases(t *testing.T) {
	if got := render.CTABases(nil, publicBase); !slices.Equal(got, []string{publicBase, render.SpecCTABase}) {
		t.Errorf("default: %q", got)
	}
	if got := render.CTABases(nil, "https://SHOP.qiscus.com"); !slices.Equal(got, []string{render.SpecCTABase}) {
		t.Errorf("public URL is the spec's: %q", got)
	}
	if got := render.CTABases([]string{"https://a.example/"}, publicBase); !slices.Equal(got, []string{"https://a.example/"}) {
		t.Errorf("configured: %q", got)
	}
}

func TestTemplateProblems(t *testing.T) {
	bases := render.CTABases(nil, publicBase)
	for _, tc := range []struct {
		name   string
		change func(*msgcenter.WhatsAppTemplate)
		want   map[string]string
	}{
		{"Usable", func(*msgcenter.WhatsAppTemplate) {}, map[string]string{}},
		{"SpecBase", func(t *msgcenter.WhatsAppTemplate) { t.Buttons[0].URL = "https://shop.qiscus.com" }, map[string]string{}},
		{"StaticButtonAnywhere", func(t *msgcenter.WhatsAppTemplate) {
			t.Buttons = []msgcenter.TemplateButton{{Type: msgcenter.ButtonURL, Text: "Visit", URL: "https://kopi.example/"}}
		}, map[string]string{}},
		{"ErrStatus", func(t *msgcenter.WhatsAppTemplate) { t.Status = msgcenter.TemplatePending },
			map[string]string{"fallback.template_name": `template "order_update" is pending: only approved templates can be used`}},
		{"ErrCategory", func(t *msgcenter.WhatsAppTemplate) { t.Category = msgcenter.CategoryUtilityFlow },
			map[string]string{"fallback.template_category": `template "order_update" is in category Utility Flow, which cannot be used for fallback`}},
		{"ErrType", func(t *msgcenter.WhatsAppTemplate) { t.Type = "Story" },
			map[string]string{"fallback.template_type": `template "order_update" is of type "Story": only 24-Hour Message or Broadcast Message templates can be used`}},
		{"ErrBase", func(t *msgcenter.WhatsAppTemplate) { t.Buttons[0].URL = "https://elsewhere.example/" },
			map[string]string{"fallback.button": `the template's CTA button base URL "https://elsewhere.example/" is not accepted: create the template with "https://shop.example.com/" or "https://shop.qiscus.com/" as its button's base URL, so the button opens the order pages`}},
		{"ErrTwoDynamicButtons", func(t *msgcenter.WhatsAppTemplate) { t.Buttons = append(t.Buttons, t.Buttons[0]) },
			map[string]string{"fallback.button": `template "order_update" has 2 dynamic URL buttons: a fallback fills one`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tpl := orderUpdate()
			tc.change(tpl)
			got := render.TemplateProblems(tpl, bases)
			if !maps.Equal(got, tc.want) {
				t.Errorf("problems\n%v, want\n%v", got, tc.want)
			}
			if render.UsableForFallback(tpl, bases) != (len(tc.want) == 0) {
				t.Errorf("UsableForFallback disagrees with TemplateProblems")
			}
		})
	}
}

func TestPathPlaceholders(t *testing.T) {
	if got := render.PathPlaceholders(msgcenter.EventOrderPaid); !slices.Equal(got, []string{"order.details_path", "order.receipt_path"}) {
		t.Errorf("order_paid: %q", got)
	}
	if got := render.PathPlaceholders(msgcenter.EventOrderPlaced); !slices.Equal(got, []string{"order.details_path"}) {
		t.Errorf("order_placed: %q", got)
	}
}

func TestCheckFallback(t *testing.T) {
	t.Run("Valid", func(t *testing.T) {
		if got := render.CheckFallback(fallbackConfig(), whatsApp, orderUpdate(), []string{"https://SHOP.example.com"}); len(got) != 0 {
			t.Errorf("fields %v", got)
		}
	})
	t.Run("DisabledIsNotChecked", func(t *testing.T) {
		c := fallbackConfig()
		c.Fallback.Enabled, c.Fallback.TemplateType = false, "nonsense"
		if got := render.CheckFallback(c, nil, nil, render.CTABases(nil, publicBase)); len(got) != 0 {
			t.Errorf("fields %v", got)
		}
	})
	for _, tc := range []struct {
		name   string
		change func(c *msgcenter.MessageConfig, ch **msgcenter.Channel, tpl **msgcenter.WhatsAppTemplate)
		want   map[string]string
	}{
		{"ErrNoChannel", func(_ *msgcenter.MessageConfig, ch **msgcenter.Channel, _ **msgcenter.WhatsAppTemplate) { *ch = nil },
			map[string]string{"fallback.channel_id": "must be one of the store's WhatsApp channels"}},
		{"ErrNotWhatsApp", func(_ *msgcenter.MessageConfig, ch **msgcenter.Channel, _ **msgcenter.WhatsAppTemplate) {
			*ch = &msgcenter.Channel{ID: 5, Type: msgcenter.ChannelTelegram}
		}, map[string]string{"fallback.channel_id": "must be one of the store's WhatsApp channels"}},
		{"ErrTypeAndCategory", func(c *msgcenter.MessageConfig, _ **msgcenter.Channel, _ **msgcenter.WhatsAppTemplate) {
			c.Fallback.TemplateType, c.Fallback.TemplateCategory = "Story", msgcenter.CategoryAuthentication
		}, map[string]string{
			"fallback.template_type":     "must be one of 24-Hour Message, Broadcast Message",
			"fallback.template_category": "must be Marketing or Utility: Authentication, Marketing Flow, Marketing Carousel and Utility Flow templates cannot be used for fallback",
			"fallback.template_name":     `template "order_update" is a 24-Hour Message in category Utility, not as chosen`,
		}},
		{"ErrNoTemplate", func(_ *msgcenter.MessageConfig, _ **msgcenter.Channel, tpl **msgcenter.WhatsAppTemplate) { *tpl = nil },
			map[string]string{"fallback.template_name": `no template "order_update" in language "id" on this channel`}},
		{"ErrNotApproved", func(_ *msgcenter.MessageConfig, _ **msgcenter.Channel, tpl **msgcenter.WhatsAppTemplate) {
			(*tpl).Status = msgcenter.TemplatePaused
		}, map[string]string{"fallback.template_name": `template "order_update" is paused: only approved templates can be used`}},
		{"ErrTemplateCategory", func(_ *msgcenter.MessageConfig, _ **msgcenter.Channel, tpl **msgcenter.WhatsAppTemplate) {
			(*tpl).Category = msgcenter.CategoryMarketingFlow
		}, map[string]string{"fallback.template_category": `template "order_update" is in category Marketing Flow, which cannot be used for fallback`}},
		{"ErrVariableCount", func(c *msgcenter.MessageConfig, _ **msgcenter.Channel, _ **msgcenter.WhatsAppTemplate) {
			c.Fallback.Variables = c.Fallback.Variables[:1]
		}, map[string]string{"fallback.variables": "the template has 2 variables; bind each of {{1}}…{{2}} exactly once"}},
		{"ErrBindings", func(c *msgcenter.MessageConfig, _ **msgcenter.Channel, _ **msgcenter.WhatsAppTemplate) {
			c.Fallback.Variables = []msgcenter.Binding{{Text: "a", Placeholder: "customer.name"}, {Placeholder: "order.unprocessed_products"}}
		}, map[string]string{
			"fallback.variables.1": "give either custom text or a placeholder",
			"fallback.variables.2": "placeholder {{order.unprocessed_products}} is not available for order_paid",
		}},
		{"ErrHeaderVariableUnbound", func(_ *msgcenter.MessageConfig, _ **msgcenter.Channel, tpl **msgcenter.WhatsAppTemplate) {
			(*tpl).HeaderFormat, (*tpl).Header = msgcenter.HeaderText, "Pesanan {{1}}"
		}, map[string]string{"fallback.header_variables": "the template's header has 1 variables; bind each of {{1}}…{{1}} exactly once"}},
		{"ErrHeaderBindingsWithoutHeaderVariables", func(c *msgcenter.MessageConfig, _ **msgcenter.Channel, _ **msgcenter.WhatsAppTemplate) {
			c.Fallback.HeaderVariables = []msgcenter.Binding{{Placeholder: "order_id"}}
		}, map[string]string{"fallback.header_variables": "the template's header has 0 variables: bind none"}},
		{"ErrButtonUnbound", func(c *msgcenter.MessageConfig, _ **msgcenter.Channel, _ **msgcenter.WhatsAppTemplate) {
			c.Fallback.Button = &msgcenter.Binding{Placeholder: "customer.name"}
		}, map[string]string{"fallback.button": "bind the CTA button's variable to {{order.details_path}} or {{order.receipt_path}}"}},
		{"ErrButtonBase", func(_ *msgcenter.MessageConfig, _ **msgcenter.Channel, tpl **msgcenter.WhatsAppTemplate) {
			(*tpl).Buttons[0].URL = "https://elsewhere.example/"
		}, map[string]string{"fallback.button": `the template's CTA button base URL "https://elsewhere.example/" is not accepted: create the template with "https://shop.example.com/" or "https://shop.qiscus.com/" as its button's base URL, so the button opens the order pages`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, ch, tpl := fallbackConfig(), whatsApp, orderUpdate()
			tc.change(c, &ch, &tpl)
			if got := render.CheckFallback(c, ch, tpl, render.CTABases(nil, publicBase)); !maps.Equal(got, tc.want) {
				t.Errorf("fields\n%v, want\n%v", got, tc.want)
			}
		})
	}
}
