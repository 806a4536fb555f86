package msgcenter_test

import (
	"strings"
	"testing"

	"github.com/qiscus/msgcenter"
)

func TestProductValidate(t *testing.T) {
	valid := func() *msgcenter.Product {
		return &msgcenter.Product{StoreID: 1, Name: "Kopi Susu", Price: 25000, Stock: 10, Active: true}
	}
	const (
		nameMsg  = "is required, at most 200 characters"
		priceMsg = "must be between 0 and 1000000000000"
		stockMsg = "must not be negative"
	)
	testValidate(t, valid, (*msgcenter.Product).Validate, "The product is not valid.", []validateCase[msgcenter.Product]{
		{"NameEmpty", func(p *msgcenter.Product) { p.Name = "" }, map[string]string{"name": nameMsg}},
		{"NameBlank", func(p *msgcenter.Product) { p.Name = "   " }, map[string]string{"name": nameMsg}},
		{"Name201Runes", func(p *msgcenter.Product) { p.Name = strings.Repeat("ñ", 201) }, map[string]string{"name": nameMsg}},
		{"PriceNegative", func(p *msgcenter.Product) { p.Price = -1 }, map[string]string{"price": priceMsg}},
		{"PriceOverMax", func(p *msgcenter.Product) { p.Price = 1_000_000_000_001 }, map[string]string{"price": priceMsg}},
		{"StockNegative", func(p *msgcenter.Product) { p.Stock = -1 }, map[string]string{"stock": stockMsg}},
		{"Everything", func(p *msgcenter.Product) { p.Name, p.Price, p.Stock = "", -5, -5 },
			map[string]string{"name": nameMsg, "price": priceMsg, "stock": stockMsg}},
	}, map[string]func(*msgcenter.Product){
		"Name200Runes": func(p *msgcenter.Product) { p.Name = strings.Repeat("ñ", 200) },
		"Free":         func(p *msgcenter.Product) { p.Price = 0 },
		"PriceMax":     func(p *msgcenter.Product) { p.Price = 1_000_000_000_000 },
		"OutOfStock":   func(p *msgcenter.Product) { p.Stock = 0 },
		"Inactive":     func(p *msgcenter.Product) { p.Active = false },
	})
}
