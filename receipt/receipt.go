// Package receipt writes an order's receipt as a PDF: the store, the order,
// the customer, the items, every total and the payment, in the store's
// language, with amounts formatted exactly as in the messages.
package receipt

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/render"
)

// Page geometry in millimetres: A4 prints well on any office or home
// printer and opens well on phones.
const (
	margin   = 18.0
	pageW    = 210.0
	pageH    = 297.0
	contentW = pageW - 2*margin
	bottom   = pageH - 20 // rows never go below this line
	font     = "Go"
)

// Colours as RGB.
var (
	colText   = [3]int{29, 36, 48}
	colMuted  = [3]int{91, 100, 116}
	colAccent = [3]int{10, 124, 90}
	colRule   = [3]int{217, 221, 227}
	colFill   = [3]int{242, 244, 247}
)

// Write writes the receipt of order o of store st as a PDF in lang. The
// output depends only on its arguments: the document's dates are the
// order's, so the same order always gives the same bytes.
func Write(w io.Writer, st *msgcenter.Store, o *msgcenter.Order, lang msgcenter.Language) error {
	if st == nil || o == nil {
		return errors.New("receipt: nil store or order")
	}
	if !lang.Valid() {
		lang = msgcenter.LanguageEnglish
	}
	r := &writer{
		pdf:  fpdf.New("P", "mm", "A4", ""),
		st:   st,
		o:    o,
		lang: lang,
		l:    labelsFor(lang),
	}
	r.money = func(n int64) string { return render.FormatMoney(n, st.Currency, lang) }
	r.write()
	if err := r.pdf.Error(); err != nil {
		return fmt.Errorf("receipt: %w", err)
	}
	if err := r.pdf.Output(w); err != nil {
		return fmt.Errorf("receipt: %w", err)
	}
	return nil
}

type writer struct {
	pdf   *fpdf.Fpdf
	st    *msgcenter.Store
	o     *msgcenter.Order
	lang  msgcenter.Language
	l     *labels
	money func(int64) string
}

func (r *writer) color(c [3]int) { r.pdf.SetTextColor(c[0], c[1], c[2]) }

func (r *writer) font(style string, size float64) { r.pdf.SetFont(font, style, size) }

func (r *writer) write() {
	p, o, st, l := r.pdf, r.o, r.st, r.l
	created := o.CreatedAt
	if o.PaidAt != nil {
		created = *o.PaidAt
	}
	p.SetCreationDate(created)
	p.SetModificationDate(created)
	p.SetCatalogSort(true)
	p.SetCompression(true)
	p.SetTitle(l.Receipt+" "+OrderNumber(o)+" · "+st.Name, true)
	p.SetAuthor(st.Name, true)
	p.SetCreator("msgcenter", true)
	p.SetLang(string(r.lang))
	p.AddUTF8FontFromBytes(font, "", goregular.TTF)
	p.AddUTF8FontFromBytes(font, "B", gobold.TTF)
	p.SetMargins(margin, margin, margin)
	p.SetAutoPageBreak(false, 0)
	p.SetFooterFunc(func() {
		p.SetXY(margin, pageH-14)
		r.font("", 8)
		r.color(colMuted)
		p.CellFormat(contentW/2, 4, st.Name+" · "+l.Receipt+" "+OrderNumber(o), "", 0, "L", false, 0, "")
		p.CellFormat(contentW/2, 4, l.Page+" "+strconv.Itoa(p.PageNo()), "", 0, "R", false, 0, "")
	})
	p.AddPage()

	r.header()
	r.details()
	r.items()
	r.totals()
}

// header: store name and address on the left, "Receipt #N" on the right.
func (r *writer) header() {
	p, st, o, l := r.pdf, r.st, r.o, r.l
	leftW := contentW * 0.62
	r.font("B", 17)
	r.color(colText)
	p.SetXY(margin, margin)
	p.MultiCell(leftW, 7.5, st.Name, "", "L", false)
	if addr := strings.TrimSpace(st.Address); addr != "" {
		r.font("", 9.5)
		r.color(colMuted)
		p.MultiCell(leftW, 4.8, addr, "", "L", false)
	}
	leftBottom := p.GetY()

	rightX := margin + leftW
	p.SetXY(rightX, margin)
	r.font("B", 20)
	r.color(colAccent)
	p.CellFormat(contentW-leftW, 9, strings.ToUpper(l.Receipt), "", 2, "R", false, 0, "")
	r.font("B", 12)
	r.color(colText)
	p.CellFormat(contentW-leftW, 6, OrderNumber(o), "", 2, "R", false, 0, "")
	y := max(leftBottom, p.GetY()) + 5
	r.rule(y, colText, 0.4)
	p.SetY(y + 5)
}

// details: the customer on the left, the order and payment on the right.
func (r *writer) details() {
	p, st, o, l := r.pdf, r.st, r.o, r.l
	top := p.GetY()
	colW := contentW/2 - 4

	// Customer.
	p.SetXY(margin, top)
	r.label(colW, l.Customer)
	r.font("B", 10.5)
	r.color(colText)
	name := strings.TrimSpace(o.CustomerName)
	if name == "" {
		name = "-"
	}
	p.MultiCell(colW, 5.2, name, "", "L", false)
	r.font("", 9.5)
	if o.CustomerPhone != "" {
		p.SetX(margin)
		p.MultiCell(colW, 5, o.CustomerPhone, "", "L", false)
	}
	if addr := strings.TrimSpace(o.Address); addr != "" {
		p.SetX(margin)
		r.color(colMuted)
		p.MultiCell(colW, 4.8, addr, "", "L", false)
	}
	leftBottom := p.GetY()

	// Order and payment: label and value pairs.
	x := margin + contentW/2 + 4
	labelW := 34.0
	valueW := contentW/2 - 4 - labelW
	pairs := [][2]string{
		{l.OrderNumber, OrderNumber(o)},
		{l.OrderDate, FormatTime(o.CreatedAt, st.TimeZone, r.lang)},
	}
	if o.PaidAt != nil {
		pairs = append(pairs, [2]string{l.PaymentDate, FormatTime(*o.PaidAt, st.TimeZone, r.lang)})
	}
	pairs = append(pairs,
		[2]string{l.PaymentMethod, PaymentMethodName(o.PaymentMethod, r.lang)},
		[2]string{l.PaymentStatus, l.Paid},
	)
	y := top
	for i, kv := range pairs {
		p.SetXY(x, y)
		r.font("", 9)
		r.color(colMuted)
		p.CellFormat(labelW, 5.4, kv[0], "", 0, "L", false, 0, "")
		if i == len(pairs)-1 {
			r.font("B", 9.5)
			r.color(colAccent)
		} else {
			r.font("", 9.5)
			r.color(colText)
		}
		p.MultiCell(valueW, 5.4, kv[1], "", "L", false)
		y = p.GetY()
	}
	p.SetY(max(leftBottom, y) + 7)
}

// Column widths of the items table: item, quantity, unit price, line total.
var cols = [4]float64{contentW - 16 - 38 - 38, 16, 38, 38}

func (r *writer) tableHeader() {
	p, l := r.pdf, r.l
	p.SetX(margin)
	r.font("B", 9)
	r.color(colMuted)
	p.SetFillColor(colFill[0], colFill[1], colFill[2])
	p.CellFormat(cols[0], 7, " "+l.Item, "", 0, "L", true, 0, "")
	p.CellFormat(cols[1], 7, l.Qty, "", 0, "C", true, 0, "")
	p.CellFormat(cols[2], 7, l.UnitPrice, "", 0, "R", true, 0, "")
	p.CellFormat(cols[3], 7, l.Total+" ", "", 1, "R", true, 0, "")
}

// items writes the table, starting a new page (with the header again)
// when a row would not fit.
func (r *writer) items() {
	p, o := r.pdf, r.o
	r.tableHeader()
	const lineH = 5.0
	for _, it := range o.Items {
		r.font("", 9.5)
		lines := p.SplitText(it.Name, cols[0]-3)
		if len(lines) == 0 {
			lines = []string{""}
		}
		h := float64(len(lines))*lineH + 3
		if p.GetY()+h > bottom {
			p.AddPage()
			r.tableHeader()
		}
		y := p.GetY()
		r.color(colText)
		for i, ln := range lines {
			p.SetXY(margin+1.5, y+1.5+float64(i)*lineH)
			p.CellFormat(cols[0]-3, lineH, ln, "", 0, "L", false, 0, "")
		}
		x := margin + cols[0]
		p.SetXY(x, y+1.5)
		p.CellFormat(cols[1], lineH, strconv.Itoa(it.Quantity), "", 0, "C", false, 0, "")
		p.CellFormat(cols[2], lineH, r.money(it.UnitPrice), "", 0, "R", false, 0, "")
		p.CellFormat(cols[3]-1.5, lineH, r.money(it.LineTotal()), "", 0, "R", false, 0, "")
		r.rule(y+h, colRule, 0.2)
		p.SetY(y + h)
	}
}

// totals: subtotal, delivery, service fee and grand total on the right,
// the paid stamp on the left, then a thank-you line.
func (r *writer) totals() {
	p, st, o, l := r.pdf, r.st, r.o, r.l
	const need = 60
	if p.GetY()+need > bottom {
		p.AddPage()
	}
	top := p.GetY() + 4
	valueW := cols[3]
	labelW := 70.0
	x := margin + contentW - valueW - labelW
	rows := [][2]string{
		{l.Subtotal, r.money(o.Subtotal)},
		{l.Delivery + " (" + DeliveryMethodName(o.DeliveryMethod, r.lang) + ")", r.money(o.DeliveryFee)},
		{l.ServiceFee, r.money(o.ServiceFee)},
	}
	y := top
	for _, kv := range rows {
		p.SetXY(x, y)
		r.font("", 9.5)
		r.color(colMuted)
		p.CellFormat(labelW, 6, kv[0], "", 0, "R", false, 0, "")
		r.color(colText)
		p.CellFormat(valueW-1.5, 6, kv[1], "", 0, "R", false, 0, "")
		y += 6
	}
	y += 1.5
	p.SetDrawColor(colText[0], colText[1], colText[2])
	p.SetLineWidth(0.4)
	p.Line(x+labelW-40, y, margin+contentW, y)
	y += 1.5
	p.SetXY(x, y)
	r.font("B", 12)
	r.color(colText)
	p.CellFormat(labelW, 8, l.GrandTotal, "", 0, "R", false, 0, "")
	p.CellFormat(valueW-1.5, 8, r.money(o.GrandTotal), "", 0, "R", false, 0, "")

	// The paid stamp.
	stampW := 58.0
	p.SetDrawColor(colAccent[0], colAccent[1], colAccent[2])
	p.SetLineWidth(0.6)
	p.RoundedRect(margin, top+1, stampW, 20, 2.5, "1234", "D")
	p.SetXY(margin, top+3)
	r.font("B", 15)
	r.color(colAccent)
	p.CellFormat(stampW, 8, strings.ToUpper(l.Paid), "", 2, "C", false, 0, "")
	r.font("", 8.5)
	p.SetX(margin)
	p.CellFormat(stampW, 5, PaymentMethodName(o.PaymentMethod, r.lang), "", 2, "C", false, 0, "")

	p.SetXY(margin, y+20)
	r.font("", 9.5)
	r.color(colMuted)
	p.MultiCell(contentW, 5, fmt.Sprintf(l.Thanks, st.Name), "", "C", false)
}

// label writes a small muted caption and moves below it.
func (r *writer) label(w float64, s string) {
	r.font("B", 8.5)
	r.color(colMuted)
	r.pdf.CellFormat(w, 5, strings.ToUpper(s), "", 2, "L", false, 0, "")
}

// rule draws a horizontal line across the content at y.
func (r *writer) rule(y float64, c [3]int, width float64) {
	r.pdf.SetDrawColor(c[0], c[1], c[2])
	r.pdf.SetLineWidth(width)
	r.pdf.Line(margin, y, margin+contentW, y)
}
