package web

import (
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
