package mock

import (
	"context"

	"github.com/qiscus/msgcenter"
)

var _ msgcenter.CommerceService = (*CommerceService)(nil)

// CommerceService is a msgcenter.CommerceService: each method calls the
// function field of its name with Fn appended.
type CommerceService struct {
	CreateChannelFn        func(ctx context.Context, c *msgcenter.Channel) error
	CreateProductFn        func(ctx context.Context, p *msgcenter.Product) error
	CreateRoomFn           func(ctx context.Context, r *msgcenter.Room) error
	EnsureRoomFn           func(ctx context.Context, r *msgcenter.Room) (created bool, err error)
	FindChannelFn          func(ctx context.Context, storeID int64, id int64) (*msgcenter.Channel, error)
	FindChannelsFn         func(ctx context.Context, storeID int64) ([]*msgcenter.Channel, error)
	FindOrderFn            func(ctx context.Context, storeID int64, id int64) (*msgcenter.Order, error)
	FindOrderByTokenFn     func(ctx context.Context, token string) (*msgcenter.Order, error)
	FindOrdersFn           func(ctx context.Context, storeID int64, f msgcenter.OrderFilter) ([]*msgcenter.Order, error)
	FindProductsFn         func(ctx context.Context, storeID int64) ([]*msgcenter.Product, error)
	FindRoomFn             func(ctx context.Context, storeID int64, id int64) (*msgcenter.Room, error)
	FindRoomByExternalIDFn func(ctx context.Context, storeID int64, externalID string) (*msgcenter.Room, error)
	FindRoomsFn            func(ctx context.Context, storeID int64) ([]*msgcenter.Room, error)
	FindRoomsByIDFn        func(ctx context.Context, storeID int64, ids []int64) ([]*msgcenter.Room, error)
	UpdateChannelFn        func(ctx context.Context, storeID int64, id int64, name *string) (*msgcenter.Channel, error)
	UpdateProductFn        func(ctx context.Context, storeID int64, id int64, upd msgcenter.ProductUpdate) (*msgcenter.Product, error)
	UpdateRoomFn           func(ctx context.Context, storeID int64, id int64, upd msgcenter.RoomUpdate) (*msgcenter.Room, error)
}

// CreateChannel calls CreateChannelFn.
func (s *CommerceService) CreateChannel(ctx context.Context, c *msgcenter.Channel) error {
	return s.CreateChannelFn(ctx, c)
}

// CreateProduct calls CreateProductFn.
func (s *CommerceService) CreateProduct(ctx context.Context, p *msgcenter.Product) error {
	return s.CreateProductFn(ctx, p)
}

// CreateRoom calls CreateRoomFn.
func (s *CommerceService) CreateRoom(ctx context.Context, r *msgcenter.Room) error {
	return s.CreateRoomFn(ctx, r)
}

// EnsureRoom calls EnsureRoomFn.
func (s *CommerceService) EnsureRoom(ctx context.Context, r *msgcenter.Room) (created bool, err error) {
	return s.EnsureRoomFn(ctx, r)
}

// FindChannel calls FindChannelFn.
func (s *CommerceService) FindChannel(ctx context.Context, storeID int64, id int64) (*msgcenter.Channel, error) {
	return s.FindChannelFn(ctx, storeID, id)
}

// FindChannels calls FindChannelsFn.
func (s *CommerceService) FindChannels(ctx context.Context, storeID int64) ([]*msgcenter.Channel, error) {
	return s.FindChannelsFn(ctx, storeID)
}

// FindOrder calls FindOrderFn.
func (s *CommerceService) FindOrder(ctx context.Context, storeID int64, id int64) (*msgcenter.Order, error) {
	return s.FindOrderFn(ctx, storeID, id)
}

// FindOrderByToken calls FindOrderByTokenFn.
func (s *CommerceService) FindOrderByToken(ctx context.Context, token string) (*msgcenter.Order, error) {
	return s.FindOrderByTokenFn(ctx, token)
}

// FindOrders calls FindOrdersFn.
func (s *CommerceService) FindOrders(ctx context.Context, storeID int64, f msgcenter.OrderFilter) ([]*msgcenter.Order, error) {
	return s.FindOrdersFn(ctx, storeID, f)
}

// FindProducts calls FindProductsFn.
func (s *CommerceService) FindProducts(ctx context.Context, storeID int64) ([]*msgcenter.Product, error) {
	return s.FindProductsFn(ctx, storeID)
}

// FindRoom calls FindRoomFn.
func (s *CommerceService) FindRoom(ctx context.Context, storeID int64, id int64) (*msgcenter.Room, error) {
	return s.FindRoomFn(ctx, storeID, id)
}

// FindRoomByExternalID calls FindRoomByExternalIDFn.
func (s *CommerceService) FindRoomByExternalID(ctx context.Context, storeID int64, externalID string) (*msgcenter.Room, error) {
	return s.FindRoomByExternalIDFn(ctx, storeID, externalID)
}

// FindRooms calls FindRoomsFn.
func (s *CommerceService) FindRooms(ctx context.Context, storeID int64) ([]*msgcenter.Room, error) {
	return s.FindRoomsFn(ctx, storeID)
}

// FindRoomsByID calls FindRoomsByIDFn.
func (s *CommerceService) FindRoomsByID(ctx context.Context, storeID int64, ids []int64) ([]*msgcenter.Room, error) {
	return s.FindRoomsByIDFn(ctx, storeID, ids)
}

// UpdateChannel calls UpdateChannelFn.
func (s *CommerceService) UpdateChannel(ctx context.Context, storeID int64, id int64, name *string) (*msgcenter.Channel, error) {
	return s.UpdateChannelFn(ctx, storeID, id, name)
}

// UpdateProduct calls UpdateProductFn.
func (s *CommerceService) UpdateProduct(ctx context.Context, storeID int64, id int64, upd msgcenter.ProductUpdate) (*msgcenter.Product, error) {
	return s.UpdateProductFn(ctx, storeID, id, upd)
}

// UpdateRoom calls UpdateRoomFn.
func (s *CommerceService) UpdateRoom(ctx context.Context, storeID int64, id int64, upd msgcenter.RoomUpdate) (*msgcenter.Room, error) {
	return s.UpdateRoomFn(ctx, storeID, id, upd)
}
