// Package static holds the console's CSS and JavaScript, embedded in the binary
// because the Content-Security-Policy allows only same-origin assets and there is no CDN.
package static

import "embed"

// FS is served under the URL prefix /static/, e.g. /static/app.css and
// /static/vendor/pico-2.1.1.min.css.
//
//go:embed app.css favicon.ico vendor
var FS embed.FS
