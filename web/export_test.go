package web

import (
	"net/http"
	"net/http/httptest"

	"github.com/labstack/echo/v4"

	"landlord/models"
)

// DeclaredAccess is a route's declared access, for tests that walk the router.
type DeclaredAccess struct {
	Public, Master bool
	Feature        models.Feature
	Level          models.Level
}

// RegisteredRoutes are the routes on the router with what each declares;
// ok is false for a route no table declares.
func (s *Server) RegisteredRoutes() (routes []*echo.Route, declared map[string]DeclaredAccess) {
	declared = map[string]DeclaredAccess{}
	for _, t := range [][]route{s.probeRoutes(), s.pageRoutes()} {
		for _, r := range t {
			declared[r.method+" "+r.path] = DeclaredAccess{Public: r.access.public, Master: r.access.master, Feature: r.access.feature, Level: r.access.level}
		}
	}
	return s.echo.Routes(), declared
}

// ActorOf runs the tenant pages' visit middleware on r, as every page does,
// and returns the actor it puts in the request's context; ok is false when
// nobody is signed in.
func (s *Server) ActorOf(r *http.Request) (a models.Actor, ok bool) {
	c := s.echo.NewContext(r, httptest.NewRecorder())
	err := s.visit(func(c echo.Context) error {
		a, ok = models.ActorFrom(c.Request().Context())
		return nil
	})(c)
	return a, ok && err == nil
}
