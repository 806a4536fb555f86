package mock

import (
	"context"

	"github.com/qiscus/msgcenter"
)

var _ msgcenter.CommerceService = (*CommerceService)(nil)

// CommerceService is a msgcenter.CommerceService: each method calls the
// function field of its name with Fn appended, and panics naming the
// method when that field is nil.
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
	UpdateChannelFn        func(ctx context.Context, storeID int64, id int64, name *string) (*msgcenter.Channel, error)
	UpdateProductFn        func(ctx context.Context, storeID int64, id int64, upd msgcenter.ProductUpdate) (*msgcenter.Product, error)
	UpdateRoomFn           func(ctx context.Context, storeID int64, id int64, upd msgcenter.RoomUpdate) (*msgcenter.Room, error)
}

// CreateChannel calls CreateChannelFn.
func (s *CommerceService) CreateChannel(ctx context.Context, c *msgcenter.Channel) error {
	if s.CreateChannelFn == nil {
		panic("mock: CommerceService.CreateChannel called without CreateChannelFn")
	}
	return s.CreateChannelFn(ctx, c)
}

// CreateProduct calls CreateProductFn.
func (s *CommerceService) CreateProduct(ctx context.Context, p *msgcenter.Product) error {
	if s.CreateProductFn == nil {
		panic("mock: CommerceService.CreateProduct called without CreateProductFn")
	}
	return s.CreateProductFn(ctx, p)
}

// CreateRoom calls CreateRoomFn.
func (s *CommerceService) CreateRoom(ctx context.Context, r *msgcenter.Room) error {
	if s.CreateRoomFn == nil {
		panic("mock: CommerceService.CreateRoom called without CreateRoomFn")
	}
	return s.CreateRoomFn(ctx, r)
}

// EnsureRoom calls EnsureRoomFn.
func (s *CommerceService) EnsureRoom(ctx context.Context, r *msgcenter.Room) (created bool, err error) {
	if s.EnsureRoomFn == nil {
		panic("mock: CommerceService.EnsureRoom called without EnsureRoomFn")
	}
	return s.EnsureRoomFn(ctx, r)
}

// FindChannel calls FindChannelFn.
func (s *CommerceService) FindChannel(ctx context.Context, storeID int64, id int64) (*msgcenter.Channel, error) {
	if s.FindChannelFn == nil {
		panic("mock: CommerceService.FindChannel called without FindChannelFn")
	}
	return s.FindChannelFn(ctx, storeID, id)
}

// FindChannels calls FindChannelsFn.
func (s *CommerceService) FindChannels(ctx context.Context, storeID int64) ([]*msgcenter.Channel, error) {
	if s.FindChannelsFn == nil {
		panic("mock: CommerceService.FindChannels called without FindChannelsFn")
	}
	return s.FindChannelsFn(ctx, storeID)
}

// FindOrder calls FindOrderFn.
func (s *CommerceService) FindOrder(ctx context.Context, storeID int64, id int64) (*msgcenter.Order, error) {
	if s.FindOrderFn == nil {
		panic("mock: CommerceService.FindOrder called without FindOrderFn")
	}
	return s.FindOrderFn(ctx, storeID, id)
}

// FindOrderByToken calls FindOrderByTokenFn.
func (s *CommerceService) FindOrderByToken(ctx context.Context, token string) (*msgcenter.Order, error) {
	if s.FindOrderByTokenFn == nil {
		panic("mock: CommerceService.FindOrderByToken called without FindOrderByTokenFn")
	}
	return s.FindOrderByTokenFn(ctx, token)
}

// FindOrders calls FindOrdersFn.
func (s *CommerceService) FindOrders(ctx context.Context, storeID int64, f msgcenter.OrderFilter) ([]*msgcenter.Order, error) {
	if s.FindOrdersFn == nil {
		panic("mock: CommerceService.FindOrders called without FindOrdersFn")
	}
	return s.FindOrdersFn(ctx, storeID, f)
}

// FindProducts calls FindProductsFn.
func (s *CommerceService) FindProducts(ctx context.Context, storeID int64) ([]*msgcenter.Product, error) {
	if s.FindProductsFn == nil {
		panic("mock: CommerceService.FindProducts called without FindProductsFn")
	}
	return s.FindProductsFn(ctx, storeID)
}

// FindRoom calls FindRoomFn.
func (s *CommerceService) FindRoom(ctx context.Context, storeID int64, id int64) (*msgcenter.Room, error) {
	if s.FindRoomFn == nil {
		panic("mock: CommerceService.FindRoom called without FindRoomFn")
	}
	return s.FindRoomFn(ctx, storeID, id)
}

// FindRoomByExternalID calls FindRoomByExternalIDFn.
func (s *CommerceService) FindRoomByExternalID(ctx context.Context, storeID int64, externalID string) (*msgcenter.Room, error) {
	if s.FindRoomByExternalIDFn == nil {
		panic("mock: CommerceService.FindRoomByExternalID called without FindRoomByExternalIDFn")
	}
	return s.FindRoomByExternalIDFn(ctx, storeID, externalID)
}

// FindRooms calls FindRoomsFn.
func (s *CommerceService) FindRooms(ctx context.Context, storeID int64) ([]*msgcenter.Room, error) {
	if s.FindRoomsFn == nil {
		panic("mock: CommerceService.FindRooms called without FindRoomsFn")
	}
	return s.FindRoomsFn(ctx, storeID)
}

// UpdateChannel calls UpdateChannelFn.
func (s *CommerceService) UpdateChannel(ctx context.Context, storeID int64, id int64, name *string) (*msgcenter.Channel, error) {
	if s.UpdateChannelFn == nil {
		panic("mock: CommerceService.UpdateChannel called without UpdateChannelFn")
	}
	return s.UpdateChannelFn(ctx, storeID, id, name)
}

// UpdateProduct calls UpdateProductFn.
func (s *CommerceService) UpdateProduct(ctx context.Context, storeID int64, id int64, upd msgcenter.ProductUpdate) (*msgcenter.Product, error) {
	if s.UpdateProductFn == nil {
		panic("mock: CommerceService.UpdateProduct called without UpdateProductFn")
	}
	return s.UpdateProductFn(ctx, storeID, id, upd)
}

// UpdateRoom calls UpdateRoomFn.
func (s *CommerceService) UpdateRoom(ctx context.Context, storeID int64, id int64, upd msgcenter.RoomUpdate) (*msgcenter.Room, error) {
	if s.UpdateRoomFn == nil {
		panic("mock: CommerceService.UpdateRoom called without UpdateRoomFn")
	}
	return s.UpdateRoomFn(ctx, storeID, id, upd)
}
