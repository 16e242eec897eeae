// Package web wires Landlord's HTTP server: routes, middleware, host-to-tenant
// resolution, sessions and the error handler.
package web

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"landlord/config"
	"landlord/handlers"
	"landlord/models"
)

// Server is the console's HTTP server.
type Server struct {
	cfg      config.Config
	store    *models.Store
	logger   *slog.Logger
	sessions *sessionStore
	wizard   *handlers.Wizard // multi-step forms' sealed state
	echo     *echo.Echo
	nav      []route // the routes that have a navigation link, in order
	// prefetch: the GET pages, by route path, whose read is sent with the
	// session check (models.Prefetch).
	prefetch map[string]func(c echo.Context, tenant uint64) *models.Prefetch
}

// NewServer builds the whole server from its dependencies. It fails when a
// route does not declare who may use it.
func NewServer(cfg config.Config, store *models.Store, logger *slog.Logger) (*Server, error) {
	if cfg.ImpersonationLimit <= 0 { // a Config not made by config.Load
		cfg.ImpersonationLimit = config.DefaultImpersonationLimit
	}
	s := &Server{
		cfg: cfg, store: store, logger: logger,
		sessions: newSessionStore(cfg.SessionSecret, store),
		wizard:   handlers.NewWizard(cfg.SessionSecret),
		prefetch: map[string]func(echo.Context, uint64) *models.Prefetch{"/users": handlers.UsersPrefetch},
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	// Only LANDLORD_TRUSTED_PROXIES may speak for the client's address and scheme.
	e.IPExtractor, e.SchemeExtractor = clientIP(cfg.TrustedProxies), clientScheme(cfg.TrustedProxies)
	e.Pre(dropUntrustedForwarding(cfg.TrustedProxies))
	e.HTTPErrorHandler = s.handleError

	e.Use(
		middleware.Recover(),
		middleware.RequestID(),
		requestLogger(logger),
		securityHeaders(cfg.BaseDomain),
		middleware.BodyLimit("1M"),
	)
	if err := s.addRoutes(e); err != nil {
		return nil, err
	}
	s.echo = e
	return s, nil
}

// ServeHTTP makes the server an http.Handler, for tests.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.echo.ServeHTTP(w, r) }

// Serve answers on ln until ctx ends, then shuts down gracefully.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.logger.Handler(), slog.LevelWarn),
	}
	done := make(chan error, 1)
	go func() {
		<-ctx.Done()
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		done <- srv.Shutdown(shutdownCtx)
	}()
	s.logger.Info("listening", "addr", ln.Addr().String(), "base_domain", s.cfg.BaseDomain, "database", s.store.Dialect())
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return <-done
}
