package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"landlord/handlers"
)

func TestARouteWithoutDeclaredAccessStopsTheServer(t *testing.T) {
	e := echo.New()
	err := mount(e.Group(""), []route{{method: get, path: "/forgotten", handler: handlers.Healthz()}})
	if err == nil || !strings.Contains(err.Error(), "/forgotten") {
		t.Fatalf("mounting an undeclared route: %v, want an error naming it", err)
	}
}

func TestARouteAddedAroundTheTablesStopsTheServer(t *testing.T) {
	e := echo.New()
	declared := []route{{method: get, path: "/ok", access: public(), handler: handlers.Healthz()}}
	if err := mount(e.Group(""), declared); err != nil {
		t.Fatal(err)
	}
	if err := checkDeclared(e, declared); err != nil {
		t.Fatalf("only declared routes: %v", err)
	}
	e.Add(http.MethodPost, "/sneaky", handlers.Healthz())
	if err := checkDeclared(e, declared); err == nil || !strings.Contains(err.Error(), "/sneaky") {
		t.Fatalf("a route outside the tables: %v, want an error naming it", err)
	}
}
