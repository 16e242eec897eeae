package web

import (
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"

	"landlord/handlers"
	"landlord/static"
)

// addRoutes declares every route, with who may use it.
func (s *Server) addRoutes(e *echo.Echo) {
	// Any host, no session: probes and assets.
	e.GET("/healthz", handlers.Healthz())
	e.GET("/readyz", handlers.Readyz(s.store))
	e.Group("/static", cacheAssets).StaticFS("/", static.FS)

	// Anyone on a tenant's host. Login attempts are rate-limited per address on
	// top of the per-account failure throttle.
	loginRate := middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Store: middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
			Rate: rate.Limit(2), Burst: 30, ExpiresIn: 3 * time.Minute,
		}),
	})
	e.GET("/login", handlers.LoginForm())
	e.POST("/login", handlers.Login(s.store, s.sessions, s.throttle), loginRate)
	e.GET("/login/handoff", handlers.Handoff(s.store, s.sessions), loginRate)
	e.POST("/logout", handlers.Logout(s.store, s.sessions))

	// Signed-in users of the host's tenant.
	e.GET("/", handlers.Dashboard(), requireUser)
}

func cacheAssets(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set("Cache-Control", "public, max-age=3600")
		return next(c)
	}
}
