package sqlstore_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/sqlstore"
	"github.com/qiscus/msgcenter/sqlstore/sqltest"
)

func testServerKey() []byte { return bytes.Repeat([]byte{0x42}, sqlstore.SecretKeySize) }

func TestIntegrationService(t *testing.T) {
	t.Parallel()
	sqltest.EachDB(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		tn := newTenants(t, db)
		clk, s, other := tn.clk, tn.store, tn.other
		is, err := sqlstore.NewIntegrationService(db, testServerKey())
		if err != nil {
			t.Fatal(err)
		}
		const secret = "Plain-Secret-Key-1234567890"

		t.Run("ErrNotFound", func(t *testing.T) {
			_, err := is.FindIntegration(ctx, s.ID)
			assertError(t, err, msgcenter.ENOTFOUND, "The store has no connected app.")
			_, err = is.IntegrationSecret(ctx, s.ID)
			assertError(t, err, msgcenter.ENOTFOUND, "")
			assertError(t, is.DisconnectIntegration(ctx, s.ID), msgcenter.ENOTFOUND, "")
		})

		var first *msgcenter.Integration
		t.Run("Connect", func(t *testing.T) {
			in, err := is.ConnectQiscus(ctx, s.ID, "kopi-abc", secret, "")
			if err != nil {
				t.Fatal(err)
			}
			first = in
			if in.AppID != "kopi-abc" || in.BaseURL != msgcenter.DefaultQiscusBaseURL || in.Provider != msgcenter.IntegrationQiscus ||
				!in.ConnectedAt.Equal(clk.Now().Truncate(1000)) || len(in.InboundSecret) < 32 {
				t.Fatalf("integration = %+v", in)
			}
			got, err := is.FindIntegration(ctx, s.ID)
			if err != nil {
				t.Fatal(err)
			}
			if *got != *in {
				t.Fatalf("found %+v, want %+v", got, in)
			}
			plain, err := is.IntegrationSecret(ctx, s.ID)
			if err != nil || plain != secret {
				t.Fatalf("IntegrationSecret = %q, %v", plain, err)
			}
			// Scoped by store.
			_, err = is.FindIntegration(ctx, other.ID)
			assertError(t, err, msgcenter.ENOTFOUND, "")
		})

		t.Run("StoredEncrypted", func(t *testing.T) {
			var sealed string
			if err := db.SQL().QueryRowContext(ctx, `SELECT secret_sealed FROM integrations WHERE store_id = $1`, s.ID).Scan(&sealed); err != nil {
				t.Fatal(err)
			}
			raw, _ := base64.StdEncoding.DecodeString(sealed)
			for _, form := range []string{secret, strings.ToLower(secret), base64.StdEncoding.EncodeToString([]byte(secret)), hex.EncodeToString([]byte(secret))} {
				if strings.Contains(sealed, form) || bytes.Contains(raw, []byte(secret)) {
					t.Fatalf("the stored secret column holds the plain secret (%q)", form)
				}
			}
			// A fresh nonce per write: the same secret seals differently.
			if _, err := is.ConnectQiscus(ctx, s.ID, "kopi-abc", secret, ""); err != nil {
				t.Fatal(err)
			}
			var again string
			db.SQL().QueryRowContext(ctx, `SELECT secret_sealed FROM integrations WHERE store_id = $1`, s.ID).Scan(&again)
			if again == sealed {
				t.Fatal("two writes of one secret stored the same bytes")
			}
			// Copied into another store's row, it does not open.
			if _, err := is.ConnectQiscus(ctx, other.ID, "other-app", "other-secret", ""); err != nil {
				t.Fatal(err)
			}
			if _, err := db.SQL().ExecContext(ctx, `UPDATE integrations SET secret_sealed = $1 WHERE store_id = $2`, again, other.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := is.IntegrationSecret(ctx, other.ID); msgcenter.ErrorCode(err) != msgcenter.EINTERNAL || strings.Contains(err.Error(), secret) {
				t.Fatalf("moved secret: err = %v, want an internal error without the secret", err)
			}
			// Another server key does not open it either.
			wrong, _ := sqlstore.NewIntegrationService(db, bytes.Repeat([]byte{7}, 32))
			if _, err := wrong.IntegrationSecret(ctx, s.ID); err == nil {
				t.Fatal("a wrong server key opened the secret")
			}
		})

		t.Run("Reconnect", func(t *testing.T) {
			clk.Add(3600e9)
			in, err := is.ConnectQiscus(ctx, s.ID, "kopi-new", "new-secret", "https://qiscus.example.com/")
			if err != nil {
				t.Fatal(err)
			}
			if in.AppID != "kopi-new" || in.BaseURL != "https://qiscus.example.com" || in.InboundSecret != first.InboundSecret ||
				!in.ConnectedAt.After(first.ConnectedAt) {
				t.Fatalf("reconnected = %+v (first %+v)", in, first)
			}
			if plain, _ := is.IntegrationSecret(ctx, s.ID); plain != "new-secret" {
				t.Fatalf("secret after reconnect = %q", plain)
			}
		})

		t.Run("ErrInvalid", func(t *testing.T) {
			_, err := is.ConnectQiscus(ctx, s.ID, "", " x ", "ftp://nope")
			assertError(t, err, msgcenter.EINVALID, "The Qiscus connection is not valid.")
			if f := msgcenter.ErrorFields(err); f["app_id"] == "" || f["secret_key"] == "" || f["base_url"] == "" {
				t.Fatalf("fields = %v", f)
			}
			_, err = is.ConnectQiscus(ctx, s.ID+1000, "app", "secret", "")
			assertError(t, err, msgcenter.ENOTFOUND, "Store not found.")
		})

		t.Run("ErrNoServerKey", func(t *testing.T) {
			keyless, err := sqlstore.NewIntegrationService(db, nil)
			if err != nil {
				t.Fatal(err)
			}
			_, err = keyless.ConnectQiscus(ctx, s.ID, "app", "secret", "")
			assertError(t, err, msgcenter.EINVALID, "")
			if !strings.Contains(msgcenter.ErrorMessage(err), "MSGCENTER_SECRET_KEY") {
				t.Fatalf("message = %q, want it to name MSGCENTER_SECRET_KEY", msgcenter.ErrorMessage(err))
			}
		})

		t.Run("Disconnect", func(t *testing.T) {
			if err := is.DisconnectIntegration(ctx, s.ID); err != nil {
				t.Fatal(err)
			}
			_, err := is.FindIntegration(ctx, s.ID)
			assertError(t, err, msgcenter.ENOTFOUND, "")
			if _, err := is.FindIntegration(ctx, other.ID); err != nil {
				t.Fatalf("the other store's connection went too: %v", err)
			}
		})
	})
}

func TestParseSecretKey(t *testing.T) {
	key := testServerKey()
	for name, s := range map[string]string{
		"hex": hex.EncodeToString(key), "base64": base64.StdEncoding.EncodeToString(key),
		"base64raw": base64.RawStdEncoding.EncodeToString(key), "base64url": base64.URLEncoding.EncodeToString(key),
	} {
		got, err := sqlstore.ParseSecretKey(" " + s + "\n")
		if err != nil || !bytes.Equal(got, key) {
			t.Errorf("%s: ParseSecretKey = %x, %v", name, got, err)
		}
	}
	if got, err := sqlstore.ParseSecretKey(""); got != nil || err != nil {
		t.Errorf("empty: %x, %v; want nil, nil", got, err)
	}
	for _, bad := range []string{"short", hex.EncodeToString(key[:16]), base64.StdEncoding.EncodeToString(append(key, 1))} {
		if _, err := sqlstore.ParseSecretKey(bad); err == nil {
			t.Errorf("ParseSecretKey(%q) accepted a bad key", bad)
		}
	}
	if _, err := sqlstore.NewIntegrationService(nil, key[:16]); err == nil {
		t.Error("NewIntegrationService accepted a 16-byte key")
	}
}
