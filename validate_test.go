package msgcenter_test

import (
	"maps"
	"testing"

	"github.com/qiscus/msgcenter"
)

// validateCase is one way of breaking a valid entity: edit changes the
// entity, and fields are the per-field messages Validate must answer with,
// every one and no other.
type validateCase[T any] struct {
	name   string
	edit   func(*T)
	fields map[string]string
}

// testValidate checks that valid() validates, that each case's edit of a
// fresh valid() is refused as EINVALID with message and exactly the case's
// fields, and that each valid edit still validates.
func testValidate[T any](t *testing.T, valid func() *T, validate func(*T) error, message string,
	invalid []validateCase[T], validEdits map[string]func(*T)) {
	t.Helper()
	t.Run("Valid", func(t *testing.T) {
		if err := validate(valid()); err != nil {
			t.Fatalf("Validate() = %v, want nil", err)
		}
	})
	for name, edit := range validEdits {
		t.Run(name, func(t *testing.T) {
			v := valid()
			edit(v)
			if err := validate(v); err != nil {
				t.Fatalf("Validate() = %v, want nil", err)
			}
		})
	}
	for _, tc := range invalid {
		t.Run(tc.name, func(t *testing.T) {
			v := valid()
			tc.edit(v)
			err := validate(v)
			if code := msgcenter.ErrorCode(err); code != msgcenter.EINVALID {
				t.Fatalf("Validate() = %v, want code %s", err, msgcenter.EINVALID)
			}
			if got := msgcenter.ErrorMessage(err); got != message {
				t.Errorf("message = %q, want %q", got, message)
			}
			if got := msgcenter.ErrorFields(err); !maps.Equal(got, tc.fields) {
				t.Errorf("fields = %q, want %q", got, tc.fields)
			}
		})
	}
}
