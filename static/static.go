// Package static holds the console's CSS and JavaScript, embedded in the binary
// so no request leaves the machine.
package static

import "embed"

// FS is served under /static/.
//
//go:embed app.css vendor
var FS embed.FS
