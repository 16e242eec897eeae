package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// openPTY opens a pseudo-terminal: the side a person types on and the
// terminal a program reads as its stdin.
func openPTY(t *testing.T) (person, terminal *os.File) {
	t.Helper()
	person, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	t.Cleanup(func() { person.Close() })
	ioctl := func(req uintptr, arg unsafe.Pointer) {
		if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, person.Fd(), req, uintptr(arg)); errno != 0 {
			t.Fatalf("ioctl %#x: %v", req, errno)
		}
	}
	var unlock, n uint32
	ioctl(syscall.TIOCSPTLCK, unsafe.Pointer(&unlock))
	ioctl(syscall.TIOCGPTN, unsafe.Pointer(&n))
	terminal, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { terminal.Close() })
	return person, terminal
}

// echoing says whether the terminal shows what is typed on it.
func echoing(t *testing.T, terminal *os.File) bool {
	t.Helper()
	var tio syscall.Termios
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, terminal.Fd(), syscall.TCGETS, uintptr(unsafe.Pointer(&tio))); errno != 0 {
		t.Fatalf("TCGETS: %v", errno)
	}
	return tio.Lflag&syscall.ECHO != 0
}

// On a terminal, set-admin-password asks for the password twice without
// showing it, and refuses two answers that differ. The real binary runs on
// a pseudo-terminal, as a person at a shell would run it.
func TestSetAdminPasswordAsksTwiceOnATerminalWithoutEcho(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "landlord")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	// typed runs set-admin-password on a fresh terminal, types each answer
	// once its prompt is up and the terminal's echo is off, and returns what
	// the terminal showed, what the command printed, and how it ended.
	typed := func(answers ...string) (shown, stdout string, err error) {
		person, terminal := openPTY(t)
		if !echoing(t, terminal) {
			t.Fatal("a fresh terminal does not echo: the test could not tell an echoed password")
		}
		cmd := exec.Command(bin, "set-admin-password", "master", "admin@example.com")
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "LANDLORD_DATA_DIR=" + filepath.Join(dir, "data"), "LANDLORD_LOG_LEVEL=warn"}
		var out syncBuffer
		cmd.Stdin, cmd.Stderr, cmd.Stdout = terminal, terminal, &out
		var screen syncBuffer
		go func() {
			b := make([]byte, 1024)
			for {
				n, err := person.Read(b)
				screen.Write(b[:n])
				if err != nil {
					return
				}
			}
		}()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		for i, prompt := range []string{"Password", "again"} {
			deadline := time.Now().Add(30 * time.Second)
			for !strings.Contains(screen.String(), prompt) || echoing(t, terminal) {
				if time.Now().After(deadline) {
					cmd.Process.Kill()
					t.Fatalf("no prompt %q with echo off within 30s; the terminal shows %q", prompt, screen.String())
				}
				time.Sleep(10 * time.Millisecond)
			}
			if _, err := person.WriteString(answers[i] + "\n"); err != nil {
				t.Fatal(err)
			}
		}
		select {
		case err = <-exited:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			t.Fatal("set-admin-password still running 30s after both answers")
		}
		time.Sleep(50 * time.Millisecond) // the last of the terminal's output
		return screen.String(), out.String(), err
	}

	shown, out, err := typed("a passphrase typed", "a passphrase typed")
	if err != nil || !strings.Contains(out, "admin admin@example.com of tenant master is ready") {
		t.Fatalf("the same answer twice: %v\nstdout %q\nterminal %q", err, out, shown)
	}
	if strings.Contains(shown, "passphrase") || strings.Contains(shown, "warning") {
		t.Errorf("the terminal showed %q: the password was echoed, or a warning given", shown)
	}
	shown, out, err = typed("a passphrase typed", "a passphrase mistyped")
	if err == nil || strings.Contains(out, "is ready") || !strings.Contains(shown, "the two passwords differ") {
		t.Fatalf("two different answers: %v\nstdout %q\nterminal %q; want a refusal saying they differ", err, out, shown)
	}
}
