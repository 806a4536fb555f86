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
// # Sources
//
// Each shape below names where it comes from:
//
//   - [QG] github.com/Qiscus-Integration/qiscus-go, multichannel/api.go and
//     response.go: the bot send, the customer-room answer
//     (GetRoomByRoomIDResponse) and the list answers' "meta" with
//     "total_page".
//   - [N8N] github.com/Qiscus-Integration/n8n-nodes-qiscus,
//     nodes/Qiscus/Omnichannel/actions/bot/sendMessage.operation.ts: the bot
//     send with sender_email, message, room_id and type.
//   - [QD] documentation.qiscus.com/omnichannel-chat/webhook: the bot
//     (inbound message) webhook's sample, with room.options carrying
//     channel_details.channel_id, and the custom button webhook.
//   - [HSM] the support.qiscus.com articles on the HSM template list and on
//     sending templates, known here second-hand (their samples were not at
//     hand when this was written): the list pages in fives with
//     "total_page", numbers where the sample has numbers ("type": 2), each
//     template's channel_id and namespace; the send's Cloud API body with
//     "namespace". Field names of the list beyond these follow the
//     template-creation payload's hsm_details and are ASSUMED.
//   - [META] Meta's WhatsApp Cloud API reference: the template message's
//     components (header, body, button; text, image, document and video
//     parameters), the status webhook and the error codes.
//
// What no source shows is marked ASSUMED.
//
// # The contract
//
// The cases of package qiscustest run this client against recorded answers
// in testdata/ (written from the samples above: the field names and types
// as documented, the values our own) and against the sandbox's local Qiscus
// (provider/sandbox, served under /sandbox/qiscus on msgcenter's own
// listener), so the sandbox answers in the documented shapes. A store that
// connects no app of its own is connected to its sandbox app, and reaches it
// through this client too: serve --demo, the end-to-end tests and the bench
// run the code a connected store runs. The client
// calls no endpoint to register the custom button or to check credentials:
// the platform documents none.
//
// # Requests
//
// Every request carries the headers Qiscus-App-Id and Qiscus-Secret-Key.
// msgcenter's own numeric ids are never sent: a room or channel without its
// platform id (ExternalID) fails at once without a request.
//
//   - Session messages [QG, N8N]: POST {base}/{app_id}/bot with
//     {"sender_email": "{app_id}_admin@qismo.com", "message", "type": "text",
//     "room_id"}; the answer's comment id (data.comment.id, or
//     results.comment.id; a number or a string) is the message's id. A
//     button is sent as "type": "buttons" with "payload": {"text",
//     "buttons": [{"label", "type": "link", "payload": {"url"}}]} (the
//     Qiscus SDK's button shape) on web, Telegram, LINE and Messenger rooms.
//     WhatsApp session messages cannot carry a URL button and Instagram shows
//     none, so there (and on unknown channel types) the link follows the
//     text on a new line in a "text" message.
//   - WhatsApp templates [HSM, META]: POST {base}/whatsapp/v1/{app_id}/{channel_id}/messages
//     with {"to": digits, "type": "template", "template": {"namespace",
//     "name", "language": {"policy": "deterministic", "code"}, "components":
//     [header?, body?, button?]}}. A text header's parameters are numbered
//     apart from the body's ({{1}} of each), as WhatsApp numbers them; an
//     image, document or video header carries {"type": "document",
//     "document": {"link", "filename"}} (image and video likewise, without a
//     file name): the Order Paid fallback's receipt PDF, or the sample the
//     template was approved with. A dynamic URL button is {"type": "button",
//     "sub_type": "url", "index": "{n}", "parameters": [{"type": "text",
//     "text": suffix}]}. The answer's messages[0].id is the message's id.
//     Parameters that do not fit the template fail as parameter_mismatch
//     before any request.
//   - The template catalogue [HSM]: GET {base}/api/v2/admin/hsm?channel_id={id}&page={n},
//     every page up to meta.total_page, answering {"data": {"hsm_templates":
//     [{"id", "channel_id", "namespace", "name", "category", "type",
//     "hsm_details": [{"language", "content", "header_type",
//     "header_content", "approval_status", "buttons": [{"type", "text",
//     "url", "phone_number"}]}]}]}, "meta": {"page", "limit", "total",
//     "total_page"}}. Ids, types and statuses are read as numbers or strings.
//     A template whose own channel_id is another channel is left out.
//     Categories (MARKETING, UTILITY, …) map to the domain's names. The type
//     is a word or a number, ASSUMED 1 broadcast and 2 24-hour message; no
//     type means broadcast. The approval status is a word (APPROVED,
//     REJECTED, PAUSED, …) or a number, ASSUMED 0 pending, 1 approved, 2
//     rejected, 3 paused, 4 disabled; anything else counts as pending, so an
//     unknown template is never used. A header_type of text, image, document
//     or video is read as such (header_content is then the text, or the
//     sample link); any other header (a location) makes the template
//     unusable. The catalogue is cached per channel for at most 60 seconds
//     and dropped at once when a send answers a template error.
//   - Room facts [QG]: GET {base}/api/v2/customer_rooms/{room_id} answers
//     {"data": {"customer_room": {"channel_id", "room_id", "source",
//     "last_customer_timestamp", …}}}; the delivery worker reads it for a
//     WhatsApp room's last customer message when msgcenter has recorded none
//     since it made the room (a room made by a button click), and takes the
//     later of the two otherwise. Cached per room for 30 seconds.
//   - The WhatsApp status webhook [META] (ParseStatusWebhook), posted to
//     /hooks/qiscus/{store}/whatsapp-status/{secret}: {"entry": [{"changes":
//     [{"value": {"statuses": [{"id", "status", "timestamp",
//     "recipient_id", "errors": [{"code", "title", "message",
//     "error_data": {"details"}}]}]}}]}]}, or the statuses at the top (the
//     on-premises shape a forwarding platform may keep). Statuses sent,
//     delivered, read and failed are read; a failure's code maps to its
//     reason as a send's error would (131047 is session_expired); the
//     timestamp is Unix seconds. That Qiscus forwards Meta's statuses in
//     this shape is ASSUMED.
//   - The custom button webhook [QD], posted to
//     /hooks/omnichannel/{store}/custom-button/{secret}: the room is
//     room_id, room.id or an additional_info entry keyed room_id (a list of
//     {"key", "value"} or an object); the channel {"channel": {"id",
//     "type"}} or channel_id and source; the customer {"customer": {"name",
//     "user_id"}} or name and user_id at the top; the agent {"agent":
//     {"email", "name"}}. A click that names no room msgcenter can find or
//     create is answered 422 and kept for the store's admin.
//   - Credits: the platform has no balance API; Credits answers
//     CreditsUnknown (-1) without a request, and callers treat a negative
//     balance as not reported.
//
// # Errors
//
// Failures are *msgcenter.ProviderError, decided by code and status, never by
// text. The error bodies read are the Cloud API's {"error": {"code",
// "message", "error_data": {"details"}}} [META], the on-premises API's
// {"errors": [{"code", "title", "details"}]}, and the Qiscus envelope
// {"status", "errors": {…} | […] | "…"} [QG], also nested. WhatsApp 131047
// is session expired (the fallback's trigger); 131026, 131049, 131051 and
// 131021 are permanent undeliverable; 132000, 132005, 132007, 132012, 132018,
// 131008 and 131009 permanent parameter_mismatch; 132001, 132015 and 132016
// permanent template_not_approved; 131042 (payment issue) and HTTP 402,
// ASSUMED to be how Qiscus refuses a send for want of balance, permanent
// insufficient_credits. The platform being out of reach is
// ProviderUnavailable, which makes a message wait without using a try:
// 130429, 131056, 131048 (rate limits), 131016, 133004, HTTP 408, 425, 429
// (with its Retry-After), 5xx, timeouts, refused or reset connections, and
// the open circuit breaker (with its remaining time). HTTP 401 and 403 are
// ProviderUnauthorized: the store's messages are parked until it reconnects
// its app, and the client asks the platform nothing more for 5 minutes
// (a reconnected app gets a new client at once). 131000 (something went
// wrong) is transient and uses a try; any other 4xx is permanent
// undeliverable. The attempt's error holds the status and the code, never
// the answer's text nor the secret; a failed connection is named in fixed
// words (did not answer in time, could not be reached), never by its
// address or dial error.
//
// # Limits
//
// Each client has a token-bucket rate limit (golang.org/x/time/rate, 20
// requests per second and a burst of 1 by default), a timeout per request
// (10 s), and a circuit breaker: after 5 consecutive transient failures it
// opens for 30 s, during which every call fails at once with a transient
// error saying the breaker is open, so the delivery worker retries later
// instead of spending its attempts on a dead API; then one probe is let
// through, and its success closes the breaker. The breaker's refusals are
// ProviderUnavailable, so no message spends a try on them. The limiter and the breaker
// run on Config.Now and Config.Sleep, so tests drive them with a fake clock.
//
// The secret key is a Secret, which prints, logs and marshals as
// [redacted]; error messages are scrubbed of it.
package qiscus
