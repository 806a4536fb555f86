// Package netguard decides which addresses msgcenter may call on a tenant's
// behalf, and enforces it twice: when a URL is accepted (CheckURL) and when
// a connection is dialled (DialContext, the Control of every dial), so a
// name that resolved to a public address when it was saved and to a private
// one later (DNS rebinding) is still refused.
//
// A Policy without Hosts lets any public host through (a webhook URL a
// tenant types); a Policy with Hosts lets only those through (the Qiscus
// API). Trusted hosts, which only the operator names, may be private: the
// local sandbox on loopback is the usual one.
package netguard

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// ErrForbidden is the error of every refusal: the address is not one this
// deployment calls. Its text is fixed, so it can be shown to a tenant.
var ErrForbidden = errors.New("the address is not allowed")

// Policy is which hosts an outbound call may reach. The zero value allows
// any host whose addresses are all public.
type Policy struct {
	// Hosts, when not empty, are the only host names (or host:port) a URL
	// may name, compared without case. A name without a port allows any
	// port.
	Hosts []string
	// Trusted are hosts (or host:port) the operator added: they may resolve
	// to private, loopback or link-local addresses. They are allowed even
	// when Hosts does not list them.
	Trusted []string
	// Lookup resolves a name to its addresses; nil means the system
	// resolver.
	Lookup func(ctx context.Context, host string) ([]netip.Addr, error)
}

// PublicIP reports whether ip may be called on a tenant's behalf: not
// loopback, private (RFC 1918, RFC 4193), link-local (cloud metadata
// services live there), shared (RFC 6598), unspecified, multicast or
// otherwise reserved.
func PublicIP(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() {
		return false
	}
	for _, p := range reserved {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// reserved are the ranges netip has no predicate for.
var reserved = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),   // shared address space (carrier NAT)
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("192.0.2.0/24"),    // documentation
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("198.51.100.0/24"), // documentation
	netip.MustParsePrefix("203.0.113.0/24"),  // documentation
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, and broadcast
	netip.MustParsePrefix("64:ff9b::/96"),    // NAT64, which can reach IPv4 private space
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
}

// listed reports whether host (lower case, no brackets) with port is in
// list, whose entries are host or host:port.
func listed(list []string, host, port string) bool {
	for _, h := range list {
		h = strings.ToLower(strings.TrimSpace(h))
		if lh, lp, err := net.SplitHostPort(h); err == nil {
			if lh == host && lp == port {
				return true
			}
			continue
		}
		if strings.Trim(h, "[]") == host {
			return true
		}
	}
	return false
}

// hostPort splits a URL's host into a lower-case host and its port (the
// scheme's when absent).
func hostPort(u *url.URL) (string, string) {
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	return strings.ToLower(u.Hostname()), port
}

// trusted reports whether the operator named host:port.
func (p *Policy) trusted(host, port string) bool { return listed(p.Trusted, host, port) }

// CheckURL refuses a URL that is not http(s), carries credentials, names a
// host outside Hosts, or whose host is (or resolves to) an address that is
// not public, unless the host is trusted. A name that does not resolve now
// is not refused here: the dial will check whatever it resolves to then.
// Every refusal wraps ErrForbidden.
func (p *Policy) CheckURL(ctx context.Context, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return fmt.Errorf("%w: not an http(s) URL", ErrForbidden)
	}
	host, port := hostPort(u)
	if p.trusted(host, port) {
		return nil
	}
	if len(p.Hosts) > 0 && !listed(p.Hosts, host, port) {
		return fmt.Errorf("%w: host %s is not one of %s", ErrForbidden, host, strings.Join(p.Hosts, ", "))
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		if !PublicIP(ip) {
			return fmt.Errorf("%w: %s is a private address", ErrForbidden, host)
		}
		return nil
	}
	lctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	ips, err := p.lookup(lctx, host)
	if err != nil {
		return nil
	}
	for _, ip := range ips {
		if !PublicIP(ip) {
			return fmt.Errorf("%w: %s resolves to a private address", ErrForbidden, host)
		}
	}
	return nil
}

func (p *Policy) lookup(ctx context.Context, host string) ([]netip.Addr, error) {
	if p.Lookup != nil {
		return p.Lookup(ctx, host)
	}
	return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
}

// control refuses, at dial time, a connection to an address that is not
// public: it sees the address the name resolved to for this very dial.
func control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s", ErrForbidden, address)
	}
	if !PublicIP(ap.Addr()) {
		return fmt.Errorf("%w: %s is a private address", ErrForbidden, ap.Addr())
	}
	return nil
}

// DialContext dials addr ("host:port") as a net.Dialer would, refusing a
// host outside Hosts and, unless the host is trusted, any address that is
// not public, checked on the resolved address of the dial itself.
func (p *Policy) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("%w: %s", ErrForbidden, addr)
	}
	host = strings.ToLower(host)
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	if !p.trusted(host, port) {
		if len(p.Hosts) > 0 && !listed(p.Hosts, host, port) {
			return nil, fmt.Errorf("%w: host %s", ErrForbidden, host)
		}
		d.Control = control
	}
	return d.DialContext(ctx, network, addr)
}

// Transport returns an HTTP transport that dials through the policy and
// ignores proxy settings, so the checked address is the one reached.
func (p *Policy) Transport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = nil
	t.DialContext = p.DialContext
	return t
}

// Client returns an HTTP client that dials through the policy and follows no
// redirects, so an allowed host cannot send a request on to another one.
func (p *Policy) Client(timeout time.Duration) *http.Client {
	return &http.Client{
		Transport: p.Transport(),
		Timeout:   timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}
