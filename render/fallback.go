package render

import "github.com/qiscus/msgcenter"

// FallbackParams fills a template's variables and its dynamic button's
// suffix from the configuration's bindings, flattened as WhatsApp requires.
// The preview uses it too, so what the admin sees is what is sent.
func FallbackParams(tpl *msgcenter.WhatsAppTemplate, fb *msgcenter.FallbackConfig, v *Values) ([]string, string) {
	value := func(b msgcenter.Binding) string {
		if b.Placeholder != "" {
			s, _ := v.Get(b.Placeholder)
			return s
		}
		return b.Text
	}
	n := tpl.Variables()
	params := make([]string, n)
	for i := 0; i < n && i < len(fb.Variables); i++ {
		params[i] = msgcenter.FlattenParam(value(fb.Variables[i]))
	}
	suffix := ""
	if _, b := tpl.DynamicButton(); b != nil && fb.Button != nil {
		suffix = value(*fb.Button)
	}
	return params, suffix
}
