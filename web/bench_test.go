package web_test

import (
	"io"
	"net/http"
	"testing"

	"landlord/models/storetest"
)

// benchGet measures requests per second for GET path on host, from parallel
// clients over real HTTP connections to the test server.
func benchGet(b *testing.B, dialect, host, path string, signedIn bool) {
	c := newConsole(b, dialect)
	br := c.browser()
	if signedIn {
		br.signedIn(host, "admin@acme.example")
	}
	url := br.at(host, path)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodGet, url, nil)
			res, err := br.client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			// Read to the end so the connection is reused, as a browser's would be.
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				b.Errorf("status %d", res.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

func BenchmarkLoginPage(b *testing.B) {
	for _, d := range storetest.Dialects {
		b.Run(d, func(b *testing.B) { benchGet(b, d, "acme.localhost", "/login", false) })
	}
}

func BenchmarkDashboard(b *testing.B) {
	for _, d := range storetest.Dialects {
		b.Run(d, func(b *testing.B) { benchGet(b, d, "acme.localhost", "/", true) })
	}
}
