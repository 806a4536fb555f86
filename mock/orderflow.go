package mock

import (
	"context"
	"time"

	"github.com/qiscus/msgcenter"
)

var _ msgcenter.DeliveryService = (*DeliveryService)(nil)

// DeliveryService is a msgcenter.DeliveryService: each method calls the
// function field of its name with Fn appended.
type DeliveryService struct {
	FindDeliveriesFn       func(ctx context.Context, storeID int64, f msgcenter.DeliveryFilter) ([]*msgcenter.Delivery, error)
	FindDeliveryFn         func(ctx context.Context, storeID int64, id int64) (*msgcenter.Delivery, error)
	FindOrdersDeliveriesFn func(ctx context.Context, storeID int64, orderIDs []int64) ([]*msgcenter.Delivery, error)
}

// FindDeliveries calls FindDeliveriesFn.
func (d *DeliveryService) FindDeliveries(ctx context.Context, storeID int64, f msgcenter.DeliveryFilter) ([]*msgcenter.Delivery, error) {
	return d.FindDeliveriesFn(ctx, storeID, f)
}

// FindDelivery calls FindDeliveryFn.
func (d *DeliveryService) FindDelivery(ctx context.Context, storeID int64, id int64) (*msgcenter.Delivery, error) {
	return d.FindDeliveryFn(ctx, storeID, id)
}

// FindOrdersDeliveries calls FindOrdersDeliveriesFn.
func (d *DeliveryService) FindOrdersDeliveries(ctx context.Context, storeID int64, orderIDs []int64) ([]*msgcenter.Delivery, error) {
	return d.FindOrdersDeliveriesFn(ctx, storeID, orderIDs)
}

var _ msgcenter.DeliveryWorkStore = (*DeliveryWorkStore)(nil)

// DeliveryWorkStore is a msgcenter.DeliveryWorkStore: each method calls the
// function field of its name with Fn appended.
type DeliveryWorkStore struct {
	ApplyDeliveryReceiptFn  func(ctx context.Context, storeID int64, r msgcenter.DeliveryReceipt) (*msgcenter.ReceiptOutcome, error)
	FindQueuedDeliveryIDsFn func(ctx context.Context, olderThan time.Time, afterID int64, limit int) ([]int64, error)
	LoadDeliveryWorkFn      func(ctx context.Context, deliveryID int64) (*msgcenter.DeliveryWork, error)
	RaiseFallbackFn         func(ctx context.Context, automation *msgcenter.Delivery) error
	RecordDeliveryResultFn  func(ctx context.Context, deliveryID int64, r msgcenter.DeliveryResult) (bool, error)
}

// FindQueuedDeliveryIDs calls FindQueuedDeliveryIDsFn.
func (d *DeliveryWorkStore) FindQueuedDeliveryIDs(ctx context.Context, olderThan time.Time, afterID int64, limit int) ([]int64, error) {
	return d.FindQueuedDeliveryIDsFn(ctx, olderThan, afterID, limit)
}

// LoadDeliveryWork calls LoadDeliveryWorkFn.
func (d *DeliveryWorkStore) LoadDeliveryWork(ctx context.Context, deliveryID int64) (*msgcenter.DeliveryWork, error) {
	return d.LoadDeliveryWorkFn(ctx, deliveryID)
}

// ApplyDeliveryReceipt calls ApplyDeliveryReceiptFn.
func (d *DeliveryWorkStore) ApplyDeliveryReceipt(ctx context.Context, storeID int64, r msgcenter.DeliveryReceipt) (*msgcenter.ReceiptOutcome, error) {
	if d.ApplyDeliveryReceiptFn == nil {
		panic("mock: DeliveryWorkStore.ApplyDeliveryReceipt called without ApplyDeliveryReceiptFn")
	}
	return d.ApplyDeliveryReceiptFn(ctx, storeID, r)
}

// RaiseFallback calls RaiseFallbackFn.
func (d *DeliveryWorkStore) RaiseFallback(ctx context.Context, automation *msgcenter.Delivery) error {
	return d.RaiseFallbackFn(ctx, automation)
}

// RecordDeliveryResult calls RecordDeliveryResultFn.
func (d *DeliveryWorkStore) RecordDeliveryResult(ctx context.Context, deliveryID int64, r msgcenter.DeliveryResult) (bool, error) {
	return d.RecordDeliveryResultFn(ctx, deliveryID, r)
}

var _ msgcenter.OrderFlowService = (*OrderFlowService)(nil)

// OrderFlowService is a msgcenter.OrderFlowService: each method calls the
// function field of its name with Fn appended.
type OrderFlowService struct {
	CancelOrderFn       func(ctx context.Context, storeID int64, orderID int64, refund bool) (*msgcenter.Order, error)
	FindCheckoutFn      func(ctx context.Context, storeID int64, id int64) (*msgcenter.Checkout, error)
	PayOrderFn          func(ctx context.Context, storeID int64, orderID int64) (*msgcenter.Order, error)
	PlaceOrderFn        func(ctx context.Context, storeID int64, req *msgcenter.OrderRequest) (*msgcenter.Order, *msgcenter.FailedCheckout, error)
	RaiseDueCheckoutsFn func(ctx context.Context) (int, error)
	RefundOrderFn       func(ctx context.Context, storeID int64, orderID int64) (*msgcenter.Order, error)
	// ReleaseUnpaidOrderFn serves ReleaseUnpaidOrder.
	ReleaseUnpaidOrderFn func(ctx context.Context, orderID int64) (bool, error)
	StartCheckoutFn      func(ctx context.Context, storeID int64, roomID int64, items []msgcenter.CartItem) (*msgcenter.Checkout, error)
}

// CancelOrder calls CancelOrderFn.
func (o *OrderFlowService) CancelOrder(ctx context.Context, storeID int64, orderID int64, refund bool) (*msgcenter.Order, error) {
	return o.CancelOrderFn(ctx, storeID, orderID, refund)
}

// FindCheckout calls FindCheckoutFn.
func (o *OrderFlowService) FindCheckout(ctx context.Context, storeID int64, id int64) (*msgcenter.Checkout, error) {
	return o.FindCheckoutFn(ctx, storeID, id)
}

// PayOrder calls PayOrderFn.
func (o *OrderFlowService) PayOrder(ctx context.Context, storeID int64, orderID int64) (*msgcenter.Order, error) {
	return o.PayOrderFn(ctx, storeID, orderID)
}

// PlaceOrder calls PlaceOrderFn.
func (o *OrderFlowService) PlaceOrder(ctx context.Context, storeID int64, req *msgcenter.OrderRequest) (*msgcenter.Order, *msgcenter.FailedCheckout, error) {
	return o.PlaceOrderFn(ctx, storeID, req)
}

// RaiseDueCheckouts calls RaiseDueCheckoutsFn.
func (o *OrderFlowService) RaiseDueCheckouts(ctx context.Context) (int, error) {
	return o.RaiseDueCheckoutsFn(ctx)
}

// ReleaseUnpaidOrder calls ReleaseUnpaidOrderFn.
func (o *OrderFlowService) ReleaseUnpaidOrder(ctx context.Context, orderID int64) (bool, error) {
	if o.ReleaseUnpaidOrderFn == nil {
		panic("mock: OrderFlowService.ReleaseUnpaidOrder called without ReleaseUnpaidOrderFn")
	}
	return o.ReleaseUnpaidOrderFn(ctx, orderID)
}

// RefundOrder calls RefundOrderFn.
func (o *OrderFlowService) RefundOrder(ctx context.Context, storeID int64, orderID int64) (*msgcenter.Order, error) {
	return o.RefundOrderFn(ctx, storeID, orderID)
}

// StartCheckout calls StartCheckoutFn.
func (o *OrderFlowService) StartCheckout(ctx context.Context, storeID int64, roomID int64, items []msgcenter.CartItem) (*msgcenter.Checkout, error) {
	return o.StartCheckoutFn(ctx, storeID, roomID, items)
}
