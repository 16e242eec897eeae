package web

import (
	"net"
	"strings"

	"github.com/labstack/echo/v4"
)

// forwardingHeaders carry what a proxy says about the client: its address and
// the scheme it used. Echo's c.Scheme() reads the last four.
var forwardingHeaders = []string{
	echo.HeaderXForwardedFor, echo.HeaderXRealIP, "Forwarded",
	echo.HeaderXForwardedProto, echo.HeaderXForwardedProtocol, echo.HeaderXForwardedSsl, echo.HeaderXUrlScheme,
}

// trustOnly trusts exactly the configured proxies. Echo otherwise trusts
// loopback, link-local and private peers, which on a shared host or inside a
// cluster need not be our proxy.
func trustOnly(proxies []*net.IPNet) []echo.TrustOption {
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, r := range proxies {
		opts = append(opts, echo.TrustIPRange(r))
	}
	return opts
}

// clientIP takes the rightmost X-Forwarded-For hop that is not a trusted proxy,
// since every hop before it could have been written by the client; a peer that
// is not a trusted proxy is itself the client.
func clientIP(proxies []*net.IPNet) echo.IPExtractor {
	return echo.ExtractIPFromXFFHeader(trustOnly(proxies)...)
}

// clientScheme believes X-Forwarded-Proto (and its older cousins) only from a
// trusted proxy; otherwise the scheme is the connection's own.
func clientScheme(proxies []*net.IPNet) echo.SchemeExtractor {
	return echo.ExtractSchemeFromHeaders(trustOnly(proxies)...)
}

// dropUntrustedForwarding deletes the forwarding headers of a request whose
// peer is not a trusted proxy, before anything reads them, so no code of ours
// or Echo's can take a client's word for its own address or scheme.
func dropUntrustedForwarding(proxies []*net.IPNet) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if r := c.Request(); !trustedPeer(r.RemoteAddr, proxies) {
				for _, h := range forwardingHeaders {
					r.Header.Del(h)
				}
			}
			return next(c)
		}
	}
}

// trustedPeer reports whether remoteAddr (host:port, as net/http gives it) is
// in one of the ranges. A Unix socket peer has no IP, so it is not trusted.
func trustedPeer(remoteAddr string, proxies []*net.IPNet) bool {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	host, _, _ = strings.Cut(host, "%") // an IPv6 zone, as in fe80::1%eth0
	ip := net.ParseIP(host)
	if ip == nil {
		return false
	}
	for _, r := range proxies {
		if r.Contains(ip) {
			return true
		}
	}
	return false
}
