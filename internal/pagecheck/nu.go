package pagecheck

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The Nu HTML checker (vnu.jar, from the vnu-jar npm package) runs as a local
// HTTP service, started once per test binary on first use: one Java start
// serves every page of every test. Main stops it.

var nu nuService

type nuService struct {
	once sync.Once
	url  string
	err  error
	cmd  *exec.Cmd
}

// nuJar is LANDLORD_TEST_VNU, the path of vnu.jar.
func nuJar() (string, error) {
	jar := os.Getenv("LANDLORD_TEST_VNU")
	if jar == "" {
		return "", errors.New("LANDLORD_TEST_VNU is not set (the path of vnu.jar from the vnu-jar npm package; .ci/run sets it)")
	}
	if _, err := os.Stat(jar); err != nil {
		return "", fmt.Errorf("LANDLORD_TEST_VNU: %w", err)
	}
	return jar, nil
}

func (s *nuService) start() (string, error) {
	s.once.Do(func() { s.url, s.err = s.launch() })
	return s.url, s.err
}

func (s *nuService) launch() (string, error) {
	jar, err := nuJar()
	if err != nil {
		return "", err
	}
	java := os.Getenv("LANDLORD_TEST_JAVA")
	if java == "" {
		java = "java"
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(java, "-Xmx512m", "-Dnu.validator.servlet.bind-address=127.0.0.1",
		"-cp", jar, "nu.validator.servlet.Main", strconv.Itoa(port))
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	// Should the test binary die without Main's stop, the service goes too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return "", fmt.Errorf("start the Nu checker: %w", err)
	}
	s.cmd = cmd
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	u := "http://127.0.0.1:" + strconv.Itoa(port) + "/"
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return "", fmt.Errorf("the Nu checker stopped (%v): %s", err, tail(logs.Bytes()))
		case <-time.After(250 * time.Millisecond):
		}
		if res, err := http.Get(u); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return u, nil
			}
		}
	}
	return "", errors.New("the Nu checker did not answer within 3 minutes")
}

func tail(b []byte) string {
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

func (s *nuService) stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		_ = s.cmd.Process.Kill()
	}
}

// Main runs the package's tests, then stops the Nu checker if a test started
// it. Call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	nu.stop()
	os.Exit(code)
}

type nuMessage struct {
	Type      string `json:"type"`
	SubType   string `json:"subType"`
	Message   string `json:"message"`
	Extract   string `json:"extract"`
	LastLine  int    `json:"lastLine"`
	FirstLine int    `json:"firstLine"`
}

// nuCheck sends each page to the Nu checker and gives its errors (warnings
// are not failures). Without the jar it checks nothing: Watch has said so.
func nuCheck(pages []document) []Problem {
	if len(pages) == 0 {
		return nil
	}
	if _, err := nuJar(); err != nil {
		return nil
	}
	u, err := nu.start()
	if err != nil {
		return []Problem{{Checker: "nu", URL: "(all pages)", Message: err.Error()}}
	}
	var out []Problem
	for _, p := range pages {
		msgs, err := nuValidate(u, p.body)
		if err != nil {
			out = append(out, Problem{Checker: "nu", URL: p.url, Message: err.Error()})
			continue
		}
		for _, m := range msgs {
			if m.Type != "error" && m.Type != "non-document-error" {
				continue
			}
			out = append(out, Problem{Checker: "nu", URL: fmt.Sprintf("%s (%d)", p.url, p.status), Message: m.Message,
				Target: fmt.Sprintf("line %d: %s", m.LastLine, m.Extract)})
		}
	}
	return out
}

func nuValidate(service string, body []byte) ([]nuMessage, error) {
	req, err := http.NewRequest(http.MethodPost, service+"?out=json", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "text/html; charset=utf-8")
	client := http.Client{Timeout: 2 * time.Minute}
	res, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("Nu checker: %w", err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Messages []nuMessage `json:"messages"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("Nu checker answered %s: %.200s", res.Status, b)
	}
	return doc.Messages, nil
}
