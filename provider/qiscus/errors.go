package qiscus

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/qiscus/msgcenter"
)

// WhatsApp error codes the mapping knows (Cloud API numbering, which the
// Qiscus WhatsApp endpoint passes through).
const (
	codeSessionExpired     = 131047 // re-engagement message: the 24-hour window is closed
	codeUndeliverable      = 131026 // message undeliverable to this number
	codeNotDelivered       = 131049 // Meta chose not to deliver (ecosystem engagement)
	codeUnsupportedType    = 131051
	codeRecipientIsSender  = 131021
	codeParamMissing       = 131008 // a required parameter is missing
	codeParamInvalid       = 131009 // a parameter value is not valid
	codeParamCount         = 132000 // number of parameters does not match
	codeTemplateMissing    = 132001 // template does not exist (name or language)
	codeTemplateTooLong    = 132005 // hydrated text too long
	codeTemplatePolicy     = 132007 // format character policy violated
	codeParamFormat        = 132012 // parameter format mismatch
	codeTemplatePaused     = 132015
	codeTemplateDisabled   = 132016
	codeTemplateParams     = 132018 // issue with the template's parameters
	codePaymentIssue       = 131042 // business eligibility payment issue
	codeRateLimit          = 130429 // throughput reached
	codePairRateLimit      = 131056 // too many messages to one number
	codeGeneric            = 131000 // something went wrong
	codeServiceUnavailable = 131016
	codeSpamRateLimit      = 131048
	codeTemporary          = 133004 // server temporarily unavailable
)

// outcome is what a WhatsApp error code means for the message.
type outcome struct {
	kind   msgcenter.ProviderErrorKind
	reason msgcenter.Reason
}

// codeOutcomes maps the known codes; any other code is judged by the HTTP
// status (statusOutcome).
func codeOutcomes() map[int]outcome {
	perm := func(r msgcenter.Reason) outcome { return outcome{kind: msgcenter.ProviderPermanent, reason: r} }
	transient := outcome{kind: msgcenter.ProviderTransient, reason: msgcenter.ReasonProviderError}
	unavailable := outcome{kind: msgcenter.ProviderUnavailable, reason: msgcenter.ReasonProviderUnavailable}
	return map[int]outcome{
		codeSessionExpired:     {kind: msgcenter.ProviderSessionExpired, reason: msgcenter.ReasonSessionExpired},
		codeUndeliverable:      perm(msgcenter.ReasonUndeliverable),
		codeNotDelivered:       perm(msgcenter.ReasonUndeliverable),
		codeUnsupportedType:    perm(msgcenter.ReasonUndeliverable),
		codeRecipientIsSender:  perm(msgcenter.ReasonUndeliverable),
		codeParamMissing:       perm(msgcenter.ReasonParameterMismatch),
		codeParamInvalid:       perm(msgcenter.ReasonParameterMismatch),
		codeParamCount:         perm(msgcenter.ReasonParameterMismatch),
		codeTemplateMissing:    perm(msgcenter.ReasonTemplateNotApproved),
		codeTemplateTooLong:    perm(msgcenter.ReasonParameterMismatch),
		codeTemplatePolicy:     perm(msgcenter.ReasonParameterMismatch),
		codeParamFormat:        perm(msgcenter.ReasonParameterMismatch),
		codeTemplatePaused:     perm(msgcenter.ReasonTemplateNotApproved),
		codeTemplateDisabled:   perm(msgcenter.ReasonTemplateNotApproved),
		codeTemplateParams:     perm(msgcenter.ReasonParameterMismatch),
		codePaymentIssue:       perm(msgcenter.ReasonInsufficientCredits),
		codeRateLimit:          unavailable,
		codePairRateLimit:      unavailable,
		codeGeneric:            transient,
		codeServiceUnavailable: unavailable,
		codeSpamRateLimit:      unavailable,
		codeTemporary:          unavailable,
	}
}

// statusOutcome judges an answer without a known code by its HTTP status.
func statusOutcome(status int) outcome {
	switch {
	case status == http.StatusPaymentRequired:
		// How the platform refuses a send for want of balance.
		return outcome{kind: msgcenter.ProviderPermanent, reason: msgcenter.ReasonInsufficientCredits}
	case status == http.StatusRequestTimeout, status == http.StatusTooEarly, status == http.StatusTooManyRequests, status >= 500:
		// The platform is down or overloaded: the message waits.
		return outcome{kind: msgcenter.ProviderUnavailable, reason: msgcenter.ReasonProviderUnavailable}
	case status == http.StatusUnauthorized, status == http.StatusForbidden:
		// Wrong or revoked credentials: the store's messages are parked
		// until it reconnects its app.
		return outcome{kind: msgcenter.ProviderUnauthorized, reason: msgcenter.ReasonProviderUnauthorized}
	default:
		return outcome{kind: msgcenter.ProviderPermanent, reason: msgcenter.ReasonUndeliverable}
	}
}

// platformError is the code and message read from an error answer.
type platformError struct {
	code    int // 0 when the body has none
	message string
}

// parseError reads the error bodies the platform answers with: the Cloud
// API's {"error": {"code", "message", "error_data": {"details"}}}, the
// on-premises API's {"errors": [{"code", "title", "details"}]}, and the
// Qiscus envelope {"status", "errors": {"message"} | ["…"] | "…"} or
// {"message": "…"}, also nested one in another.
func parseError(raw []byte) platformError {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return platformError{message: strings.TrimSpace(string(raw))}
	}
	return findError(v, 0)
}

func findError(v any, depth int) platformError {
	if depth > 4 {
		return platformError{}
	}
	switch v := v.(type) {
	case string:
		return platformError{message: v}
	case []any:
		for _, e := range v {
			if pe := findError(e, depth+1); pe.code != 0 || pe.message != "" {
				return pe
			}
		}
	case map[string]any:
		var pe platformError
		pe.code = codeOf(v["code"])
		for _, k := range []string{"message", "title", "detail", "details"} {
			if s, ok := v[k].(string); ok && s != "" {
				pe.message = s
				break
			}
		}
		if d, ok := v["error_data"].(map[string]any); ok {
			if s, ok := d["details"].(string); ok && s != "" {
				pe.message = strings.TrimSuffix(pe.message+": "+s, ": ")
			}
		}
		if pe.code != 0 {
			return pe
		}
		for _, k := range []string{"error", "errors", "data"} {
			if inner, ok := v[k]; ok {
				if in := findError(inner, depth+1); in.code != 0 || (pe.message == "" && in.message != "") {
					if in.message == "" {
						in.message = pe.message
					}
					return in
				}
			}
		}
		return pe
	}
	return platformError{}
}

// codeOf reads a numeric code given as a number or a numeric string.
func codeOf(v any) int {
	switch v := v.(type) {
	case float64:
		return int(v)
	case string:
		n, _ := strconv.Atoi(strings.TrimSpace(v))
		return n
	}
	return 0
}

// classify returns the outcome of an error answer.
func classify(status int, pe platformError) outcome {
	if o, ok := codeOutcomes()[pe.code]; ok {
		return o
	}
	return statusOutcome(status)
}

// maxRetryAfter bounds how long a Retry-After can hold a message.
const maxRetryAfter = time.Hour

// retryAfter reads a Retry-After header, in seconds or as an HTTP date;
// zero when absent or unreadable.
func retryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	var d time.Duration
	if n, err := strconv.Atoi(h); err == nil {
		d = time.Duration(n) * time.Second
	} else if t, err := http.ParseTime(h); err == nil {
		d = t.Sub(now)
	}
	return min(max(d, 0), maxRetryAfter)
}

// mapError turns an error answer into a *msgcenter.ProviderError, named by
// its status and code, never by the answer's text.
func (c *Client) mapError(method, path string, status int, header http.Header, raw []byte) error {
	pe := parseError(raw)
	o := classify(status, pe)
	msg := fmt.Sprintf("qiscus: app %s: %s %s: HTTP %d", c.cfg.AppID, method, path, status)
	if pe.code != 0 {
		msg += fmt.Sprintf(", code %d", pe.code)
	}
	// The answer's own text is not kept: the message is shown to the
	// store's admin, and an answer's body is the platform's to word (or,
	// from a host that is not the platform, anything at all).
	e := &msgcenter.ProviderError{Kind: o.kind, Reason: o.reason, Message: c.scrub(msg)}
	if o.kind == msgcenter.ProviderUnavailable {
		e.RetryAfter = retryAfter(header.Get("Retry-After"), c.cfg.Now())
	}
	return e
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
