// Package qiscus is the HTTP adapter for the Qiscus Omnichannel (Multichannel)
// API: a Client sends through one Qiscus app and implements
// msgcenter.FullProvider; a Resolver implements msgcenter.Providers, giving
// each store the client of the app it connected, or the deployment's default
// provider.
//
// # Connecting a real app
//
// The operator sets MSGCENTER_SECRET_KEY to 32 random bytes (for example the
// output of `openssl rand -base64 32`); stores' app secrets are stored
// encrypted under it with AES-256-GCM, and without it no store can connect an
// app. In the Qiscus Omnichannel dashboard, Settings → App Information shows
// the App ID and the Secret Key. The store's admin connects them with
//
//	PUT /api/v1/stores/{store}/integration/qiscus
//	{"app_id": "…", "secret_key": "…", "base_url": "https://multichannel.qiscus.com"}
//
// (base_url is optional) or in the Location tab's integration section. The
// answer, like GET on the same path, holds app_id, base_url, connected_at and
// inbound_webhook_url, never the secret; DELETE disconnects the app and the
// store's messages go out through the default provider again. Then paste two
// URLs into the Qiscus dashboard:
//
//   - inbound_webhook_url (https://{msgcenter}/hooks/qiscus/{store id}/inbound/{secret})
//     as the Bot Webhook URL (Integration → Bot Integration), so that every
//     customer message renews its room's 24-hour WhatsApp window in
//     msgcenter and rooms msgcenter does not know yet are created;
//   - the Custom Button URL shown in the store's Message Center
//     (https://{msgcenter}/hooks/omnichannel/{store id}/custom-button/{secret})
//     as a custom button (Settings → Custom Button, label: the store name).
//     The platform has no API to create custom buttons, so
//     EnsureCustomButton answers false and the Message Center shows these
//     manual steps.
//
// A single-app deployment instead runs `msgcenter serve --provider qiscus`
// with QISCUS_APP_ID, QISCUS_SECRET_KEY and QISCUS_BASE_URL; that app is the
// default provider of every store that connected none.
//
// # Requests
//
// Every request carries the headers Qiscus-App-Id and Qiscus-Secret-Key.
//
//   - Session messages: POST {base}/{app_id}/bot with
//     {"sender_email": "{app_id}_admin@qismo.com", "message", "type": "text", "room_id"};
//     room_id is the room's ExternalID (its numeric id when empty). A button
//     is sent as "type": "buttons" with "payload": {"text", "buttons":
//     [{"label", "type": "link", "payload": {"url"}}]} (the Qiscus SDK's
//     button shape) on web, Telegram, LINE and Messenger rooms. WhatsApp
//     session messages cannot carry a URL button and Instagram shows none, so
//     there (and on unknown channel types) the link follows the text on a
//     new line in a "text" message.
//   - WhatsApp templates: POST {base}/whatsapp/v1/{app_id}/{channel_id}/messages
//     with the Cloud API body {"to": digits, "type": "template", "template":
//     {"name", "language": {"policy": "deterministic", "code"}, "components":
//     [header?, body?, button?]}}; channel_id is the channel's ExternalID (its
//     numeric id when empty). Header variables take the parameters of the same
//     numbers (the domain has one parameter list). Parameters that do not fit
//     the template fail as parameter_mismatch before any request.
//   - The template catalogue: GET {base}/api/v2/admin/hsm?channel_id=…&page=…&limit=100,
//     ASSUMED to answer {"data": {"hsm_templates": [{"name", "category",
//     "type", "hsm_details": [{"language", "content", "header_type",
//     "header_content", "approval_status", "buttons": [{"type", "text",
//     "url", "phone_number"}]}]}]}, "meta": {"total_page"}}; the public
//     documentation describes the hsm_details of template creation but not
//     the list. Categories (MARKETING, UTILITY, …) and types map to the
//     domain's names, a missing type meaning a broadcast template; the
//     approval status is read as a word (APPROVED, REJECTED, PAUSED, …) or as
//     a number (1 approved, 2 rejected, 3 paused, 4 disabled), anything else
//     counting as pending. It is cached per channel for at most 60 seconds
//     and dropped at once when a send answers a template error.
//   - Credits: the platform has no balance API; Credits answers
//     CreditsUnknown (-1) without a request, and callers treat a negative
//     balance as not reported.
//
// # Errors
//
// Failures are *msgcenter.ProviderError, decided by code and status, never by
// text. The error bodies read are the Cloud API's {"error": {"code",
// "message", "error_data": {"details"}}}, the on-premises API's {"errors":
// [{"code", "title", "details"}]}, and the Qiscus envelope {"status",
// "errors": {…} | […] | "…"}, also nested. WhatsApp 131047 is session
// expired (the fallback's trigger); 131026, 131049, 131051 and 131021 are
// permanent undeliverable; 132000, 132005, 132007, 132012, 132018, 131008 and
// 131009 permanent parameter_mismatch; 132001, 132015 and 132016 permanent
// template_not_approved; 131042 (payment issue) and HTTP 402, ASSUMED to be
// how Qiscus refuses a send for want of balance, permanent
// insufficient_credits; 130429, 131056, 131000, 131016, 131048, 133004, HTTP
// 408, 425, 429, 5xx, timeouts and network errors transient. HTTP 401 and 403
// (wrong or revoked credentials) are transient too, so that the messages wait
// for the store to reconnect its app; any other 4xx is permanent
// undeliverable.
//
// # Limits
//
// Each client has a token-bucket rate limit (golang.org/x/time/rate, 20
// requests per second and a burst of 1 by default), a timeout per request
// (10 s), and a circuit breaker: after 5 consecutive transient failures it
// opens for 30 s, during which every call fails at once with a transient
// error saying the breaker is open, so the delivery worker retries later
// instead of spending its attempts on a dead API; then one probe is let
// through, and its success closes the breaker. The limiter and the breaker
// run on Config.Now and Config.Sleep, so tests drive them with a fake clock.
//
// The secret key is a Secret, which prints, logs and marshals as
// [redacted]; error messages are scrubbed of it.
package qiscus
