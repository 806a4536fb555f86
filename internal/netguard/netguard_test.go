package netguard_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"testing"

	"github.com/qiscus/msgcenter/internal/netguard"
)

func TestPublicIP(t *testing.T) {
	for addr, want := range map[string]bool{
		"8.8.8.8": true, "2606:4700:4700::1111": true, "104.18.0.1": true,
		"127.0.0.1": false, "::1": false, "10.1.2.3": false, "172.16.0.1": false, "192.168.1.1": false,
		"169.254.169.254": false, "fe80::1": false, "fd00::1": false, "0.0.0.0": false, "::": false,
		"100.64.0.1": false, "224.0.0.1": false, "255.255.255.255": false, "::ffff:127.0.0.1": false,
		"::ffff:169.254.169.254": false, "64:ff9b::a00:1": false,
	} {
		if got := netguard.PublicIP(netip.MustParseAddr(addr)); got != want {
			t.Errorf("PublicIP(%s) = %v, want %v", addr, got, want)
		}
	}
}

// fixedLookup resolves every name to addrs.
func fixedLookup(addrs ...string) func(context.Context, string) ([]netip.Addr, error) {
	return func(context.Context, string) ([]netip.Addr, error) {
		var out []netip.Addr
		for _, a := range addrs {
			out = append(out, netip.MustParseAddr(a))
		}
		return out, nil
	}
}

func TestCheckURL(t *testing.T) {
	ctx := context.Background()
	qiscus := &netguard.Policy{Hosts: []string{"multichannel.qiscus.com", "omnichannel.qiscus.com"},
		Trusted: []string{"127.0.0.1:8080"}, Lookup: fixedLookup("104.18.0.1")}
	for raw, ok := range map[string]bool{
		"https://multichannel.qiscus.com":          true,
		"https://MultiChannel.Qiscus.com/":         true,
		"https://omnichannel.qiscus.com:443":       true,
		"http://127.0.0.1:8080":                    true,
		"http://127.0.0.1:8081":                    false,
		"http://localhost:8080":                    false,
		"http://169.254.169.254/latest/meta-data":  false,
		"https://evil.example":                     false,
		"https://multichannel.qiscus.com.evil.com": false,
		"https://user:pw@multichannel.qiscus.com":  false,
		"ftp://multichannel.qiscus.com":            false,
		"http://[::1]:8080":                        false,
	} {
		err := qiscus.CheckURL(ctx, raw)
		if (err == nil) != ok {
			t.Errorf("CheckURL(%s) = %v, want ok %v", raw, err, ok)
		}
		if err != nil && !errors.Is(err, netguard.ErrForbidden) {
			t.Errorf("CheckURL(%s) = %v, not ErrForbidden", raw, err)
		}
	}

	t.Run("ResolvesPrivate", func(t *testing.T) {
		p := &netguard.Policy{Lookup: fixedLookup("93.184.216.34", "10.0.0.5")}
		if err := p.CheckURL(ctx, "https://rebind.example/hook"); !errors.Is(err, netguard.ErrForbidden) {
			t.Fatalf("a name with one private address: %v, want ErrForbidden", err)
		}
	})
	t.Run("AnyPublicHost", func(t *testing.T) {
		p := &netguard.Policy{Lookup: fixedLookup("93.184.216.34")}
		if err := p.CheckURL(ctx, "https://hooks.example/x"); err != nil {
			t.Fatalf("a public host: %v", err)
		}
	})
}

// TestDial is the DNS-rebinding case: whatever a URL looked like when it was
// saved, the dial refuses the private address it reaches.
func TestDial(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("secret")) }))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)

	t.Run("PrivateRefused", func(t *testing.T) {
		c := (&netguard.Policy{}).Client(0)
		resp, err := c.Get(srv.URL)
		if err == nil {
			resp.Body.Close()
			t.Fatal("a loopback server was reached")
		}
		if !errors.Is(err, netguard.ErrForbidden) {
			t.Fatalf("err = %v, want ErrForbidden", err)
		}
	})
	t.Run("NameResolvingToLoopbackRefused", func(t *testing.T) {
		c := (&netguard.Policy{Hosts: []string{"localhost"}}).Client(0)
		resp, err := c.Get("http://localhost:" + u.Port())
		if err == nil {
			resp.Body.Close()
			t.Fatal("localhost was reached")
		}
		if !errors.Is(err, netguard.ErrForbidden) {
			t.Fatalf("err = %v, want ErrForbidden", err)
		}
	})
	t.Run("HostNotListed", func(t *testing.T) {
		c := (&netguard.Policy{Hosts: []string{"multichannel.qiscus.com"}, Trusted: []string{"127.0.0.2"}}).Client(0)
		if _, err := c.Get(srv.URL); !errors.Is(err, netguard.ErrForbidden) {
			t.Fatalf("err = %v, want ErrForbidden", err)
		}
	})
	t.Run("TrustedReached", func(t *testing.T) {
		c := (&netguard.Policy{Hosts: []string{"multichannel.qiscus.com"}, Trusted: []string{u.Host}}).Client(0)
		resp, err := c.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	})
	t.Run("NoRedirect", func(t *testing.T) {
		redir := httptest.NewServer(http.RedirectHandler("http://169.254.169.254/", http.StatusFound))
		defer redir.Close()
		ru, _ := url.Parse(redir.URL)
		c := (&netguard.Policy{Trusted: []string{ru.Host}}).Client(0)
		resp, err := c.Get(redir.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusFound {
			t.Fatalf("status %d: the redirect was followed", resp.StatusCode)
		}
	})
}
