package main

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestBinaryServesDefaultsAndStopsOnSIGTERM builds landlord and runs `landlord
// serve` as a person would on a fresh machine: no LANDLORD_* variables at all. It
// must answer /login on :8080 from an embedded database under ./data, and exit
// cleanly on SIGTERM.
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
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() { cmd.Process.Kill() })

	var res *http.Response
	for i := 0; i < 100; i++ {
		req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1:8080/login", nil)
		req.Host = "localhost:8080"
		var err error
		if res, err = http.DefaultClient.Do(req); err == nil {
			res.Body.Close()
			break
		}
		select {
		case err := <-exited:
			t.Fatalf("landlord serve exited: %v", err)
		case <-time.After(100 * time.Millisecond):
		}
	}
	if res == nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET /login on :8080: %v", res)
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
