package msgcenter

// Title returns the channel type's name as pages show it ("WhatsApp",
// "Web chat"), or the type itself for an unknown one. The names live here
// only: the admin's script receives them from the page (ChannelTitles).
func (t ChannelType) Title() string {
	switch t {
	case ChannelWhatsApp:
		return "WhatsApp"
	case ChannelInstagram:
		return "Instagram"
	case ChannelMessenger:
		return "Messenger"
	case ChannelTelegram:
		return "Telegram"
	case ChannelLINE:
		return "LINE"
	case ChannelWeb:
		return "Web chat"
	}
	return string(t)
}

// ChannelTitles returns the name of every channel type, by type.
func ChannelTitles() map[ChannelType]string {
	m := make(map[ChannelType]string, len(ChannelTypes()))
	for _, t := range ChannelTypes() {
		m[t] = t.Title()
	}
	return m
}
