package msgcenter

import "unicode/utf8"

// PlainText reports whether s is text a person typed: valid UTF-8 (a lone
// surrogate decodes to U+FFFD, refused with it), without control characters
// but tab, line feed and carriage return, and without the Unicode line and
// paragraph separators. It is the one rule of text every input path applies
// (the API's JSON, the microsite's forms, the entities' Validate).
func PlainText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return false
		case r == utf8.RuneError, r == '\u2028', r == '\u2029':
			return false
		}
	}
	return true
}

// NotPlainText is the field message of text PlainText refuses.
const NotPlainText = "must be valid text: UTF-8 without control characters"
