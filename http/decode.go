package http

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/qiscus/msgcenter"
)

// decodeJSON reads a JSON API body into v strictly: a field v does not have
// is refused by name (a typo must not be ignored), and so is text that is not
// valid UTF-8 or holds control characters other than tab and line breaks. A
// malformed body is ebadrequest (400), an oversize one ETOOLARGE, a refused
// field EINVALID (422) with every refused field named by its path
// ("items[0].quantity"). Nothing is decoded into v unless all is well.
func decodeJSON(r *http.Request, v any) error { return decodeBody(r.Body, v, true) }

// decodePayload reads a platform's webhook payload into v: the platform
// sends many fields msgcenter does not read, so unknown fields pass; the
// fields v has are checked as decodeJSON checks them.
func decodePayload(r *http.Request, v any) error { return decodeBody(r.Body, v, false) }

// decodeBody is the one decoder of both; strict refuses unknown fields.
func decodeBody(body io.Reader, v any, strict bool) error {
	raw, err := io.ReadAll(body)
	if err != nil {
		var maxErr *http.MaxBytesError
		if errors.As(err, &maxErr) {
			return msgcenter.Errorf(msgcenter.ETOOLARGE, "The request body is larger than %d bytes.", maxErr.Limit)
		}
		return msgcenter.Errorf(ebadrequest, "The request body could not be read.")
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return msgcenter.Errorf(ebadrequest, "The request body is empty: send a JSON object.")
	}
	var generic any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&generic); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			return msgcenter.Errorf(ebadrequest, "Malformed JSON at byte %d: %s.", syn.Offset, strings.TrimPrefix(syn.Error(), "json: "))
		}
		return msgcenter.Errorf(ebadrequest, "Malformed JSON: the body ends too soon.")
	}
	// Only white space may follow the value.
	if _, err := dec.Token(); err != io.EOF {
		return msgcenter.Errorf(ebadrequest, "Malformed JSON: more than one value in the body.")
	}
	fields := map[string]string{}
	checkValue(fields, "", generic, reflect.TypeOf(v), strict)
	// A store admin's request with a bad field is invalid (422); a
	// platform's payload with one is malformed (400): it will not get better
	// by retrying.
	code := msgcenter.EINVALID
	if !strict {
		code = ebadrequest
	}
	if len(fields) > 0 {
		return &msgcenter.Error{Code: code, Message: invalidMessage(fields), Fields: fields}
	}
	// Decoded into a fresh value first: encoding/json fills what it can
	// before a type error, and a refused body must leave v as it was.
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("http: decodeBody needs a non-nil pointer, got %T", v)
	}
	fresh := reflect.New(rv.Elem().Type())
	fresh.Elem().Set(rv.Elem())
	if err := json.Unmarshal(raw, fresh.Interface()); err != nil {
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) {
			name := typ.Field
			if name == "" {
				name = "body"
			}
			return &msgcenter.Error{Code: code, Message: "A field has the wrong type.", Fields: map[string]string{name: "must be " + typeWords(typ.Type)}}
		}
		// A decoder of ours refused a value checkValue let through: say so
		// without the Go error's wording.
		return &msgcenter.Error{Code: code, Message: "A field has a value that cannot be read.", Fields: map[string]string{"body": "has a value that cannot be read"}}
	}
	rv.Elem().Set(fresh.Elem())
	return nil
}

// invalidMessage sums the refused fields up in a sentence.
func invalidMessage(fields map[string]string) string {
	var unknown []string
	for k, v := range fields {
		if v == msgUnknownField {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	if len(unknown) > 0 && len(unknown) == len(fields) {
		return "Unknown field: " + strings.Join(unknown, ", ") + "."
	}
	return "Some fields are not valid."
}

const (
	msgUnknownField = "is not a field of this request"
	msgBadText      = msgcenter.NotPlainText
)

var (
	unmarshalerType     = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	timeType            = reflect.TypeFor[time.Time]()
	flexStringType      = reflect.TypeFor[flexString]()
)

// checkValue walks a decoded JSON value against the Go type it will be
// decoded into, recording unknown fields (when strict) and bad text by path.
func checkValue(fields map[string]string, path string, v any, t reflect.Type, strict bool) {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	custom := t != nil && (reflect.PointerTo(t).Implements(unmarshalerType) || reflect.PointerTo(t).Implements(textUnmarshalerType))
	if t == flexStringType {
		switch v.(type) {
		case string, json.Number, nil:
		default:
			fields[fieldName(path)] = "must be text or a number"
			return
		}
	}
	switch v := v.(type) {
	case string:
		if !msgcenter.PlainText(v) {
			fields[fieldName(path)] = msgBadText
		} else if t == timeType {
			if _, err := time.Parse(time.RFC3339Nano, v); err != nil {
				fields[fieldName(path)] = "must be a time such as 2026-03-14T09:00:00Z"
			}
		}
	case []any:
		var elem reflect.Type
		if t != nil && !custom && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for i, e := range v {
			checkValue(fields, path+"["+strconv.Itoa(i)+"]", e, elem, strict && elem != nil)
		}
	case map[string]any:
		var known map[string]reflect.StructField
		if t != nil && !custom && t.Kind() == reflect.Struct {
			known = jsonFields(t)
		}
		for k, e := range v {
			p := k
			if path != "" {
				p = path + "." + k
			}
			switch {
			case known != nil:
				f, ok := known[k]
				if !ok {
					if strict {
						fields[p] = msgUnknownField
					}
					continue
				}
				checkValue(fields, p, e, f.Type, strict)
			case t != nil && !custom && t.Kind() == reflect.Map:
				if !msgcenter.PlainText(k) {
					fields[fieldName(p)] = msgBadText
				}
				checkValue(fields, p, e, t.Elem(), strict)
			default:
				// Free-form (any, json.RawMessage, a custom decoder): its
				// text is still checked, its keys are not ours to judge.
				if strict {
					checkValue(fields, p, e, nil, false)
				}
			}
		}
	}
}

// fieldName is path, or "body" for the top level.
func fieldName(path string) string {
	if path == "" {
		return "body"
	}
	return path
}

// jsonFields returns the JSON names of struct t's fields as encoding/json
// sees them, embedded structs' fields promoted.
func jsonFields(t reflect.Type) map[string]reflect.StructField {
	out := map[string]reflect.StructField{}
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() || f.Anonymous && f.Tag.Get("json") == "" {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if _, dup := out[name]; !dup || len(f.Index) == 1 {
			out[name] = f
		}
	}
	return out
}

// typeWords names what a field must hold in a store admin's words, never
// as a Go type.
func typeWords(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "text"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list"
	default:
		return "an object"
	}
}
