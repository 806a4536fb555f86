package msgcenter_test

import (
	"strings"
	"testing"

	"github.com/qiscus/msgcenter"
)

func TestChannelValidate(t *testing.T) {
	valid := func() *msgcenter.Channel {
		return &msgcenter.Channel{StoreID: 1, Type: msgcenter.ChannelWhatsApp, Name: "CS Jakarta", Phone: "+6281234567890"}
	}
	const typeMsg = "must be one of whatsapp, instagram, messenger, telegram, line, web"
	const nameMsg = "is required, at most 100 characters"
	validEdits := map[string]func(*msgcenter.Channel){
		"Name100Runes": func(c *msgcenter.Channel) { c.Name = strings.Repeat("é", 100) },
		"NameSpaced":   func(c *msgcenter.Channel) { c.Name = "  CS  " },
	}
	for _, ct := range msgcenter.ChannelTypes() {
		validEdits["Type_"+string(ct)] = func(c *msgcenter.Channel) { c.Type = ct }
	}
	testValidate(t, valid, (*msgcenter.Channel).Validate, "The channel is not valid.", []validateCase[msgcenter.Channel]{
		{"TypeEmpty", func(c *msgcenter.Channel) { c.Type = "" }, map[string]string{"type": typeMsg}},
		{"TypeUnknown", func(c *msgcenter.Channel) { c.Type = "sms" }, map[string]string{"type": typeMsg}},
		{"TypeFacebook", func(c *msgcenter.Channel) { c.Type = "facebook" }, map[string]string{"type": typeMsg}},
		{"TypeUpperCase", func(c *msgcenter.Channel) { c.Type = "WhatsApp" }, map[string]string{"type": typeMsg}},
		{"NameEmpty", func(c *msgcenter.Channel) { c.Name = "" }, map[string]string{"name": nameMsg}},
		{"NameBlank", func(c *msgcenter.Channel) { c.Name = " \t " }, map[string]string{"name": nameMsg}},
		{"Name101Runes", func(c *msgcenter.Channel) { c.Name = strings.Repeat("é", 101) }, map[string]string{"name": nameMsg}},
		{"TypeAndName", func(c *msgcenter.Channel) { c.Type, c.Name = "", "" }, map[string]string{"type": typeMsg, "name": nameMsg}},
	}, validEdits)
}
