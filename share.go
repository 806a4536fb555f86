package msgcenter

import (
	"context"
	"time"
)

// ClickDedupeWindow is how long a repeated custom-button click (same room,
// agent and payload) is taken for a retry of the first and sends nothing,
// unless the first click's message failed.
const ClickDedupeWindow = 30 * time.Second

// MaxCustomButtonLabel is the longest label an admin may give the button.
const MaxCustomButtonLabel = 100

// MicrositeLinkTTL is how long a personalised microsite link stays valid.
const MicrositeLinkTTL = 7 * 24 * time.Hour

// CustomButton is a store's Share Microsite URL button on the omnichannel:
// the secret of its webhook URL and whether the provider created it.
type CustomButton struct {
	StoreID int64
	// Secret is the last path segment of the webhook URL: 32 random bytes in
	// unpadded base64url. It is never shown except inside the URL.
	Secret string
	// Label is the button's label name on the omnichannel: the store name,
	// following a rename, unless the admin set one (LabelSetByAdmin).
	Label           string
	LabelSetByAdmin bool
	// AutoCreated reports whether the provider created the button with the
	// current URL; when false the admin follows the manual steps.
	AutoCreated bool
	UpdatedAt   time.Time
}

// ButtonClick is what the omnichannel's custom-button webhook says about a
// click: the room, its channel, customer and agent. Payload is the body as
// received, for de-duplication.
type ButtonClick struct {
	// RoomID is the platform's room id (the sandbox sends msgcenter's own).
	RoomID string
	// ChannelID is the platform's channel id, 0 when absent.
	ChannelID int64
	// ChannelType is the room's channel type, "" when not recognised.
	ChannelType    ChannelType
	CustomerName   string
	CustomerUserID string
	AgentEmail     string
	AgentName      string
	// Payload is the request body normalised (keys sorted, no spaces).
	Payload []byte
}

// What a click did: raised a new message (whose outcome the webhook then
// reports), or nothing, being a retry of a recent click.
const (
	ClickSent      = "sent"
	ClickDuplicate = "duplicate"
)

// ClickResult is what a click did.
type ClickResult struct {
	// Status is ClickSent (a new message was raised) or ClickDuplicate (a
	// retry within the window of a click whose message has not failed).
	Status     string
	DeliveryID int64
	RoomID     int64
}

// CustomButtonService manages each store's custom button and handles its clicks.
type CustomButtonService interface {
	// SetupCustomButton gives the store its button secret, if it has none
	// yet, and asks the provider to create the button with the store name as
	// label. It is idempotent; a provider failure leaves AutoCreated false
	// and is not an error.
	SetupCustomButton(ctx context.Context, st *Store) (*CustomButton, error)

	// FindCustomButton returns the store's button, ENOTFOUND when it has none.
	FindCustomButton(ctx context.Context, storeID int64) (*CustomButton, error)

	// SetCustomButtonLabel sets the label the admin chose for the store's
	// button, or with "" makes it follow the store name again, and asks the
	// provider to update the button. EINVALID for a label longer than
	// MaxCustomButtonLabel or that is not plain text.
	SetCustomButtonLabel(ctx context.Context, st *Store, label string) (*CustomButton, error)

	// FollowStoreName gives a button whose label the admin did not set the
	// store's current name, after a rename, and asks the provider to update
	// it. A button the admin named, or already named so, is left alone.
	FollowStoreName(ctx context.Context, st *Store) (*CustomButton, error)

	// RotateCustomButton gives the store a new secret, so the old URL stops
	// working, and asks the provider to re-create the button with it.
	RotateCustomButton(ctx context.Context, st *Store) (*CustomButton, error)

	// CustomButtonURL returns the webhook URL of a button.
	CustomButtonURL(b *CustomButton) string

	// Click handles one webhook call: it checks the secret in constant time
	// (ENOTFOUND for an unknown store or a wrong secret, alike), finds or
	// creates the room, and unless the same click came within
	// ClickDedupeWindow and its message has not failed, creates a personalised microsite link and raises
	// share_microsite_url in one transaction. EINVALID when the room cannot
	// be found nor created (no channel of its type).
	Click(ctx context.Context, storeID int64, secret string, c *ButtonClick) (*ClickResult, error)

	// KeepUnplacedClick keeps a click whose payload names no room msgcenter
	// can find or create, with why, for the store's admin to see; nothing
	// is sent for it. The caller has checked the webhook's secret.
	KeepUnplacedClick(ctx context.Context, storeID int64, payload []byte, reason string) (*UnplacedClick, error)

	// FindUnplacedClicks lists the store's kept clicks, newest first, at
	// most 100.
	FindUnplacedClicks(ctx context.Context, storeID int64) ([]*UnplacedClick, error)
}

// UnplacedClick is a custom button click msgcenter could not place in a
// room, kept as the platform sent it.
type UnplacedClick struct {
	ID      int64  `json:"id"`
	StoreID int64  `json:"-"`
	Payload string `json:"payload"`
	// Reason says what the payload lacked.
	Reason    string    `json:"reason"`
	CreatedAt time.Time `json:"created_at"`
}

// MicrositeLink is a personalised microsite link: a random token bound to a
// store, a room and its customer.
type MicrositeLink struct {
	Token        string
	StoreID      int64
	RoomID       *int64
	CustomerName string
	ExpiresAt    time.Time
	CreatedAt    time.Time
}

// MicrositeService reads what the public microsite needs by token.
type MicrositeService interface {
	// FindMicrositeLink returns the store's link of token while it is valid
	// at the store clock; ENOTFOUND for an unknown, expired or other store's token.
	FindMicrositeLink(ctx context.Context, storeID int64, token string) (*MicrositeLink, error)

	// FindCheckoutByToken returns the store's checkout of token; ENOTFOUND
	// for an unknown one or another store's.
	FindCheckoutByToken(ctx context.Context, storeID int64, token string) (*Checkout, error)
}
