// Package receipt writes an order's receipt as a PDF: the store, the order,
// the customer, the items, every total and the payment, in the store's
// language, with amounts formatted exactly as in the messages.
//
// # PDF library
//
// The PDF is made with github.com/signintech/gopdf. The candidates compared
// (December 2026):
//
//   - github.com/go-pdf/fpdf: archived in March 2025; its successor
//     codeberg.org/go-pdf/fpdf (v0.12.0, May 2026) is maintained, but reads
//     only a font's format-4 character map, so no character beyond U+FFFF
//     (every emoji) can ever be drawn, and it prints font-parsing problems to
//     standard output.
//   - github.com/signintech/gopdf (v0.33.0, July 2025; MIT): embeds TrueType
//     fonts as subsets (only the glyphs used) with a ToUnicode map, so text
//     extraction and search work; measures text in the document's units;
//     lets the caller substitute a missing glyph instead of failing; reports
//     failures as errors, never on standard output; one small dependency.
//     It reads format-12 character maps too, but its ToUnicode map cannot
//     name a character beyond U+FFFF (see maxRune). Chosen.
//   - github.com/johnfercher/maroto/v2 (v2.3.3, December 2025): a grid layout
//     on top of a gofpdf fork, with that fork's font handling and no way to
//     measure and place text ourselves.
//   - github.com/phpdave11/gofpdf (v1.4.3, May 2025): another fork of the
//     same code as fpdf, with the same format-4-only Unicode fonts.
//   - github.com/unidoc/unipdf: needs a commercial licence (or AGPL), so not
//     for this product.
//
// # Fonts
//
// The fonts come through go.mod and are embedded in the binary; nothing is
// read from the machine at run time. Each character is drawn by the first
// face that has it: the Go font (golang.org/x/image/font/gofont), then
// DejaVu Sans (github.com/go-fonts/dejavu), which adds Greek, Cyrillic,
// symbols and the emoji of the Basic Multilingual Plane (☕ ❤ ★ ✓ ☀ ✨ and
// the like), drawn in outline. No Go module that the build can fetch ships a
// CJK font or an emoji font, and the emoji beyond U+FFFF (😊 🍜 and most
// others) cannot be named in gopdf's text map, so Chinese, Japanese and
// Korean characters and those emoji print as Replacement ("□"). A character
// missing from every face prints as Replacement too; it never fails the
// receipt.
package receipt

import (
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/signintech/gopdf"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/i18n"
	"github.com/qiscus/msgcenter/render"
)

// Page geometry in millimetres: A4 prints well on any office or home
// printer and opens well on phones.
const (
	margin   = 18.0
	pageW    = 210.0
	pageH    = 297.0
	contentW = pageW - 2*margin
	right    = margin + contentW
	bottom   = pageH - 22 // rows never go below this line
	gap      = 4.0        // between a label and its value
	ptToMM   = 25.4 / 72
)

// Colours as RGB.
var (
	colText   = [3]uint8{29, 36, 48}
	colMuted  = [3]uint8{91, 100, 116}
	colAccent = [3]uint8{10, 124, 90}
	colRule   = [3]uint8{217, 221, 227}
	colFill   = [3]uint8{242, 244, 247}
)

// Write writes the receipt of order o of store st as a PDF in lang. The
// output depends only on its arguments: the document's dates are the
// order's, so the same order always gives the same bytes. Write never
// panics: a panic inside the PDF library comes back as an error, so a
// caller can answer with an error page.
func Write(w io.Writer, st *msgcenter.Store, o *msgcenter.Order, lang msgcenter.Language) error {
	if st == nil || o == nil {
		return errors.New("receipt: nil store or order")
	}
	if !lang.Valid() {
		lang = msgcenter.LanguageEnglish
	}
	var pdf []byte
	err := protect(func() error {
		if err := parseFaces(); err != nil {
			return err
		}
		r := newWriter(st, o, lang)
		r.write()
		if r.err != nil {
			return r.err
		}
		var err error
		pdf, err = r.pdf.GetBytesPdfReturnErr()
		return err
	})
	if err != nil {
		return fmt.Errorf("receipt: %w", err)
	}
	_, err = w.Write(pdf)
	return err
}

// protect runs f, turning a panic into an error that carries the stack.
func protect(f func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	return f()
}

type writer struct {
	pdf   *gopdf.GoPdf
	fonts fonts
	st    *msgcenter.Store
	o     *msgcenter.Order
	lang  msgcenter.Language
	t     func(key string, args ...any) string
	money func(int64) string
	err   error // the first error; drawing stops at it
	page  int
}

func newWriter(st *msgcenter.Store, o *msgcenter.Order, lang msgcenter.Language) *writer {
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{Unit: gopdf.UnitMM, PageSize: gopdf.Rect{W: pageW, H: pageH}})
	pdf.SetCompressLevel(flate.BestSpeed)
	r := &writer{
		pdf:   pdf,
		fonts: fonts{pdf: pdf, added: map[[2]int]bool{}},
		st:    st,
		o:     o,
		lang:  lang,
		t:     i18n.For(lang).T,
	}
	r.money = func(n int64) string { return render.FormatMoney(n, st.Currency, lang) }
	return r
}

func (r *writer) fail(err error) {
	if err != nil && r.err == nil {
		r.err = err
	}
}

func (r *writer) write() {
	o, st := r.o, r.st
	created := o.CreatedAt
	if o.PaidAt != nil {
		created = *o.PaidAt
	}
	r.pdf.SetInfo(gopdf.PdfInfo{
		Title:        r.t("receipt.title") + " " + OrderNumber(o) + " · " + st.Name,
		Author:       st.Name,
		Creator:      "msgcenter",
		CreationDate: created,
	})
	r.newPage()
	r.header()
	r.details()
	r.items()
	r.totals()
	r.footer()
}

// newPage ends the current page with its footer and starts another.
func (r *writer) newPage() {
	if r.page > 0 {
		r.footer()
	}
	r.pdf.AddPage()
	r.page++
}

// footer: the store and receipt number on the left, the page on the right;
// the left part is shortened with "…" rather than run into the page number.
func (r *writer) footer() {
	st := style{regular, 8}
	pageText := r.t("receipt.page", r.page)
	pw := r.width(pageText, st)
	y := pageH - 14
	r.color(colMuted)
	r.line(right-pw, y, pw, 4, pageText, st, alignLeft)
	left := r.fit(r.st.Name+" · "+r.t("receipt.title")+" "+OrderNumber(r.o), contentW-pw-2*gap, st)
	r.line(margin, y, contentW-pw-2*gap, 4, left, st, alignLeft)
}

// header: store name and address on the left, "Receipt #N" on the right.
func (r *writer) header() {
	st, o := r.st, r.o
	rightW := max(r.width(strings.ToUpper(r.t("receipt.title")), style{bold, 20}), r.width(OrderNumber(o), style{bold, 12}))
	rightW = min(rightW, contentW*0.4)
	leftW := contentW - rightW - 2*gap

	r.color(colText)
	y := r.para(margin, margin, leftW, 7.5, st.Name, style{bold, 17}, alignLeft)
	if addr := strings.TrimSpace(st.Address); addr != "" {
		r.color(colMuted)
		y = r.para(margin, y, leftW, 4.8, addr, style{regular, 9.5}, alignLeft)
	}
	rx := right - rightW
	r.color(colAccent)
	ry := r.para(rx, margin, rightW, 9, strings.ToUpper(r.t("receipt.title")), style{bold, 20}, alignRight)
	r.color(colText)
	ry = r.para(rx, ry, rightW, 6, OrderNumber(o), style{bold, 12}, alignRight)
	y = max(y, ry) + 5
	r.rule(y, colText, 0.4)
	r.pdf.SetY(y + 5)
}

// details: the customer on the left, the order and payment on the right.
func (r *writer) details() {
	st, o := r.st, r.o
	top := r.pdf.GetY()
	colW := contentW/2 - gap

	// Customer.
	r.color(colMuted)
	y := r.line(margin, top, colW, 5, strings.ToUpper(r.t("order.customer")), style{bold, 8.5}, alignLeft)
	name := strings.TrimSpace(o.CustomerName)
	if name == "" {
		name = "-"
	}
	r.color(colText)
	y = r.para(margin, y, colW, 5.2, name, style{bold, 10.5}, alignLeft)
	if o.CustomerPhone != "" {
		y = r.para(margin, y, colW, 5, o.CustomerPhone, style{regular, 9.5}, alignLeft)
	}
	if addr := strings.TrimSpace(o.Address); addr != "" {
		r.color(colMuted)
		y = r.para(margin, y, colW, 4.8, addr, style{regular, 9.5}, alignLeft)
	}
	leftBottom := y

	// Order and payment: label and value pairs, the label column as wide
	// as its widest label (up to 40% of the column), labels wrapping.
	x := margin + contentW/2 + gap
	pairs := [][2]string{
		{r.t("order.number"), OrderNumber(o)},
		{r.t("order.date"), FormatTime(o.CreatedAt, st.TimeZone, r.lang)},
	}
	if o.PaidAt != nil {
		pairs = append(pairs, [2]string{r.t("order.payment_date"), FormatTime(*o.PaidAt, st.TimeZone, r.lang)})
	}
	pairs = append(pairs,
		[2]string{r.t("order.payment_method"), PaymentMethodName(o.PaymentMethod, r.lang)},
		[2]string{r.t("order.payment_status"), r.t("payment.paid")},
	)
	labelSt, valueSt := style{regular, 9}, style{regular, 9.5}
	var labelW float64
	for _, kv := range pairs {
		labelW = max(labelW, r.width(kv[0], labelSt))
	}
	labelW = min(labelW, colW*0.4)
	valueW := colW - labelW - gap
	y = top
	for i, kv := range pairs {
		r.color(colMuted)
		ly := r.para(x, y, labelW, 5.4, kv[0], labelSt, alignLeft)
		vs := valueSt
		r.color(colText)
		if i == len(pairs)-1 {
			vs.w = bold
			r.color(colAccent)
		}
		vy := r.para(x+labelW+gap, y, valueW, 5.4, kv[1], vs, alignLeft)
		y = max(ly, vy)
	}
	r.pdf.SetY(max(leftBottom, y) + 7)
}

// table is the items table's column widths: item, quantity, unit price and
// line total, the last three as wide as their widest entry.
type table struct{ item, qty, price, total float64 }

const cellPad = 1.5

func (r *writer) tableColumns() table {
	head, cell := style{bold, 9}, style{regular, 9.5}
	t := table{
		qty:   r.width(r.t("order.qty"), head),
		price: r.width(r.t("order.unit_price"), head),
		total: r.width(r.t("order.total"), head),
	}
	for _, it := range r.o.Items {
		t.qty = max(t.qty, r.width(strconv.Itoa(it.Quantity), cell))
		t.price = max(t.price, r.width(r.money(it.UnitPrice), cell))
		t.total = max(t.total, r.width(r.money(it.LineTotal()), cell))
	}
	t.qty += 2 * gap
	t.price += 2 * gap
	t.total += 2*cellPad + gap
	t.item = contentW - t.qty - t.price - t.total
	return t
}

func (r *writer) tableHeader(t table) {
	y := r.pdf.GetY()
	r.fill(margin, y, contentW, 7, colFill)
	st := style{bold, 9}
	r.color(colMuted)
	x := margin
	r.line(x+cellPad, y, t.item-2*cellPad, 7, r.t("order.item"), st, alignLeft)
	x += t.item
	r.line(x, y, t.qty, 7, r.t("order.qty"), st, alignCenter)
	x += t.qty
	r.line(x, y, t.price, 7, r.t("order.unit_price"), st, alignRight)
	x += t.price
	r.line(x, y, t.total-cellPad, 7, r.t("order.total"), st, alignRight)
	r.pdf.SetY(y + 7)
}

// items writes the table, starting a new page (with the header again)
// when a row would not fit.
func (r *writer) items() {
	t := r.tableColumns()
	r.tableHeader(t)
	const lineH = 5.0
	st := style{regular, 9.5}
	for _, it := range r.o.Items {
		lines := r.wrap(it.Name, t.item-2*cellPad, st)
		h := float64(len(lines))*lineH + 3
		if r.pdf.GetY()+h > bottom {
			r.newPage()
			r.pdf.SetY(margin)
			r.tableHeader(t)
		}
		y := r.pdf.GetY()
		r.color(colText)
		for i, ln := range lines {
			r.line(margin+cellPad, y+1.5+float64(i)*lineH, t.item-2*cellPad, lineH, ln, st, alignLeft)
		}
		x := margin + t.item
		r.line(x, y+1.5, t.qty, lineH, strconv.Itoa(it.Quantity), st, alignCenter)
		x += t.qty
		r.line(x, y+1.5, t.price, lineH, r.money(it.UnitPrice), st, alignRight)
		x += t.price
		r.line(x, y+1.5, t.total-cellPad, lineH, r.money(it.LineTotal()), st, alignRight)
		r.rule(y+h, colRule, 0.2)
		r.pdf.SetY(y + h)
	}
}

// totals: subtotal, delivery, service fee and grand total on the right,
// the paid stamp on the left, then a thank-you line. Each amount is
// measured and set against the right edge; its label takes the room left
// of it and wraps there, so the two never meet.
func (r *writer) totals() {
	o := r.o
	const stampW = 58.0
	rows := [][2]string{
		{r.t("order.subtotal"), r.money(o.Subtotal)},
		{r.t("order.delivery") + " (" + DeliveryMethodName(o.DeliveryMethod, r.lang) + ")", r.money(o.DeliveryFee)},
		{r.t("order.service_fee"), r.money(o.ServiceFee)},
	}
	rowSt, grandSt := style{regular, 9.5}, style{bold, 12}
	left := margin + stampW + 2*gap // the totals' block starts right of the stamp
	valueX := func(v string, st style) (x, w float64) {
		w = r.width(v, st)
		return right - cellPad - w, w
	}
	// The room the block needs, to move to a new page before starting it.
	need := 40.0
	for _, kv := range rows {
		vx, _ := valueX(kv[1], rowSt)
		need += float64(len(r.wrap(kv[0], vx-gap-left, rowSt))) * 6
	}
	if r.pdf.GetY()+need > bottom {
		r.newPage()
		r.pdf.SetY(margin)
	}
	top := r.pdf.GetY() + 4
	y := top
	for _, kv := range rows {
		vx, vw := valueX(kv[1], rowSt)
		r.color(colMuted)
		ly := r.para(left, y, vx-gap-left, 6, kv[0], rowSt, alignRight)
		r.color(colText)
		r.line(vx, y, vw, 6, kv[1], rowSt, alignRight)
		y = ly
	}
	y += 1.5
	grand := r.money(o.GrandTotal)
	vx, vw := valueX(grand, grandSt)
	r.rule2(min(vx-gap-r.width(r.t("order.grand_total"), grandSt), right-70), y, right, colText, 0.4)
	y += 1.5
	r.color(colText)
	ly := r.para(left, y, vx-gap-left, 8, r.t("order.grand_total"), grandSt, alignRight)
	r.line(vx, y, vw, 8, grand, grandSt, alignRight)
	y = ly

	// The paid stamp.
	r.pdf.SetStrokeColor(colAccent[0], colAccent[1], colAccent[2])
	r.pdf.SetLineWidth(0.6)
	r.fail(r.pdf.Rectangle(margin, top+1, margin+stampW, top+21, "D", 2.5, 4))
	r.color(colAccent)
	sy := r.line(margin, top+3, stampW, 8, strings.ToUpper(r.t("payment.paid")), style{bold, 15}, alignCenter)
	r.para(margin+2, sy, stampW-4, 5, PaymentMethodName(o.PaymentMethod, r.lang), style{regular, 8.5}, alignCenter)

	y = max(y, top+21) + 8
	r.color(colMuted)
	r.para(margin, y, contentW, 5, r.t("receipt.thanks", r.st.Name), style{regular, 9.5}, alignCenter)
}

// rule draws a horizontal line across the content at y.
func (r *writer) rule(y float64, c [3]uint8, width float64) { r.rule2(margin, y, right, c, width) }

func (r *writer) rule2(x1, y, x2 float64, c [3]uint8, width float64) {
	r.pdf.SetStrokeColor(c[0], c[1], c[2])
	r.pdf.SetLineWidth(width)
	r.pdf.Line(x1, y, x2, y)
}

func (r *writer) fill(x, y, w, h float64, c [3]uint8) {
	r.pdf.SetFillColor(c[0], c[1], c[2])
	r.fail(r.pdf.Rectangle(x, y, x+w, y+h, "F", 0, 0))
}

func (r *writer) color(c [3]uint8) { r.pdf.SetTextColor(c[0], c[1], c[2]) }
