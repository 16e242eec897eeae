package main

import (
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestBinaryServesDefaultsAndStopsOnSIGTERM builds landlord and runs `landlord
// serve` as a person would on a fresh machine: no LANDLORD_* variables but the
// address. It must answer /login from an embedded database under ./data, say
// on stdout where to open it and that there is no admin yet, and exit cleanly
// on SIGTERM. It listens on a port the system picks, read from its
// "listening" log line, so it never meets another server on :8080; that :8080
// is the default is config's to check (TestLoadGivesDefaultsForEmptyEnvironment).
func TestBinaryServesDefaultsAndStopsOnSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "landlord")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "serve")
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "LANDLORD_ADDR=127.0.0.1:0"}
	logs, logw := io.Pipe()
	cmd.Stderr = logw
	var out syncBuffer
	cmd.Stdout = &out
	announced := listeningAddr(logs)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() {
		exited <- cmd.Wait()
		logw.Close()
	}()
	t.Cleanup(func() { cmd.Process.Kill() })

	var port string
	select {
	case addr := <-announced:
		if addr == "" {
			t.Fatalf("landlord serve exited before listening: %v", <-exited)
		}
		_, port, _ = net.SplitHostPort(addr)
	case <-time.After(30 * time.Second):
		t.Fatal("landlord serve did not say where it listens within 30s")
	}
	req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1:"+port+"/login", nil)
	req.Host = "localhost:" + port
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET /login: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /login: %d", res.StatusCode)
	}
	if want := "Landlord is ready: open http://localhost:" + port + "\n"; !strings.HasPrefix(out.String(), want) || !strings.Contains(out.String(), "No admin yet") {
		t.Errorf("a fresh install's serve printed %q, want %q and how to make the first admin", out.String(), want)
	}
	if _, err := os.Stat(filepath.Join(dir, "data", "landlord.db")); err != nil {
		t.Fatalf("no embedded database under ./data: %v", err)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("still running 30s after SIGTERM")
	}
}
