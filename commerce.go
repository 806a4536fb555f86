package msgcenter

import "context"

// CommerceService stores the order flow's entities. Every method is scoped by
// store id and answers ENOTFOUND for another store's ids.
type CommerceService interface {
	CreateProduct(ctx context.Context, p *Product) error
	FindProducts(ctx context.Context, storeID int64) ([]*Product, error)
	UpdateProduct(ctx context.Context, storeID, id int64, upd ProductUpdate) (*Product, error)

	CreateChannel(ctx context.Context, c *Channel) error
	FindChannels(ctx context.Context, storeID int64) ([]*Channel, error)
	FindChannel(ctx context.Context, storeID, id int64) (*Channel, error)
	UpdateChannel(ctx context.Context, storeID, id int64, name *string) (*Channel, error)

	CreateRoom(ctx context.Context, r *Room) error
	FindRooms(ctx context.Context, storeID int64) ([]*Room, error)
	FindRoom(ctx context.Context, storeID, id int64) (*Room, error)
	// FindRoomsByID lists the store's rooms among ids, in one read, for
	// pages that name each message's recipient; ids of another store's
	// rooms match nothing. Returns EINVALID for more than 500 ids.
	FindRoomsByID(ctx context.Context, storeID int64, ids []int64) ([]*Room, error)
	// FindRoomByExternalID finds the store's room the platform knows by
	// that id; ENOTFOUND when there is none.
	FindRoomByExternalID(ctx context.Context, storeID int64, externalID string) (*Room, error)
	// EnsureRoom creates r unless the store already has a room with r's
	// external id, which r then becomes; it reports whether it created one.
	// Concurrent calls for one external id create one room.
	EnsureRoom(ctx context.Context, r *Room) (created bool, err error)
	// UpdateRoom changes the customer's name, phone or last inbound time.
	UpdateRoom(ctx context.Context, storeID, id int64, upd RoomUpdate) (*Room, error)

	FindOrder(ctx context.Context, storeID, id int64) (*Order, error)
	// FindOrderByToken finds any store's order by its public token, for customer pages.
	FindOrderByToken(ctx context.Context, token string) (*Order, error)
	FindOrders(ctx context.Context, storeID int64, f OrderFilter) ([]*Order, error)
}
