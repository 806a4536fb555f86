// Package msgcenter is the domain of the message center: its types, the
// service interfaces the other packages implement, and the error type every
// layer speaks. It imports no other package of this project.
package msgcenter

import (
	"errors"
	"fmt"
)

// Error codes. The HTTP layer maps each to one status in one table.
const (
	ECONFLICT     = "ECONFLICT"
	EINTERNAL     = "EINTERNAL"
	EINVALID      = "EINVALID"
	ENOTFOUND     = "ENOTFOUND"
	EUNAUTHORIZED = "EUNAUTHORIZED"
	EFORBIDDEN    = "EFORBIDDEN"
	ETEMPORARY    = "ETEMPORARY"
	ETOOLARGE     = "ETOOLARGE"
)

// Error is the one error type of the domain. Message is safe to show to the
// user; Fields holds per-field messages when Code is EINVALID.
type Error struct {
	Code    string
	Message string
	Fields  map[string]string
}

// Error implements the error interface.
func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return fmt.Sprintf("msgcenter error: code=%s message=%s", e.Code, e.Message)
	}
	return fmt.Sprintf("msgcenter error: code=%s message=%s fields=%v", e.Code, e.Message, e.Fields)
}

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EINVALID error whose fields hold per-field messages.
func Invalid(message string, fields map[string]string) *Error {
	return &Error{Code: EINVALID, Message: message, Fields: fields}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of err: the message of its
// *Error, or "Internal error." for any other error.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// ErrorFields returns the per-field messages of err, if any.
func ErrorFields(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}
