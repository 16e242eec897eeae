package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"landlord/models/storetest"
)

// cliWith runs one command with stdin as its standard input.
func (in *instance) cliWith(stdin string, args ...string) (stdout, stderr string, err error) {
	var out, errOut bytes.Buffer
	err = run(context.Background(), args, in.getenv, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), err
}

// signsIn says whether login and password open a session on the running
// server's master console, through its login form as a browser posts it.
func (in *instance) signsIn(login, password string) bool {
	in.t.Helper()
	jar, _ := cookiejar.New(nil)
	addr := "127.0.0.1:" + in.port
	client := &http.Client{
		Jar: jar,
		Transport: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	page := "http://localhost:" + in.port + "/login"
	res, err := client.Get(page)
	if err != nil {
		in.t.Fatal(err)
	}
	d, err := goquery.NewDocumentFromReader(res.Body)
	res.Body.Close()
	if err != nil {
		in.t.Fatal(err)
	}
	tok, _ := d.Find(`input[name="_csrf"]`).Attr("value")
	res, err = client.PostForm(page, url.Values{"username": {login}, "password": {password}, "_csrf": {tok}})
	if err != nil {
		in.t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode == http.StatusSeeOther && res.Header.Get("Location") == "/"
}

// A newcomer runs serve and is told where to open the console and, while
// nobody can sign in, how to make the first admin; the admin made from
// standard input signs in, and the next start says nothing about it.
func TestServeSaysWhereToOpenAndHowToMakeTheFirstAdmin(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			in := newInstance(t, d)
			out := in.serve()
			if want := "Landlord is ready: open http://localhost:" + in.port + "\n"; !strings.Contains(out, want) {
				t.Errorf("serve printed %q, want %q", out, want)
			}
			if !strings.Contains(out, "No admin yet") || !strings.Contains(out, "set-admin-password master <your email>") {
				t.Errorf("a fresh install's serve printed %q, without how to make the first admin", out)
			}

			const pw = "a long enough passphrase"
			if _, stderr, err := in.cliWith(pw+"\n", "set-admin-password", "master", "admin@example.com", "-"); err != nil {
				t.Fatalf("set-admin-password -: %v\n%s", err, stderr)
			}
			if !in.signsIn("admin@example.com", pw) {
				t.Fatal("the admin whose password came from standard input cannot sign in")
			}

			out = in.serve()
			if want := "Landlord is ready: open http://localhost:" + in.port + "\n"; !strings.Contains(out, want) || strings.Contains(out, "No admin yet") {
				t.Errorf("serve with an admin printed %q, want only %q", out, want)
			}
		})
	}
}

// set-admin-password keeps the password off the command line: asked for twice
// (read as two lines when stdin is not a terminal) or read once for "-"; the
// old argument form still works but warns where the password went.
func TestSetAdminPasswordReadsItFromStandardInputAndAsksTwice(t *testing.T) {
	in := newInstance(t, "sqlite")
	in.serve()
	const email = "admin@example.com"
	set := func(stdin string, args ...string) (string, error) {
		t.Helper()
		_, stderr, err := in.cliWith(stdin, append([]string{"set-admin-password", "master", email}, args...)...)
		return stderr, err
	}

	if stderr, err := set("typed at the prompt\ntyped at the prompt\n"); err != nil {
		t.Fatalf("asked twice, the same both times: %v\n%s", err, stderr)
	} else if strings.Contains(stderr, "warning") {
		t.Errorf("asked for the password, warned: %s", stderr)
	}
	if !in.signsIn(email, "typed at the prompt") {
		t.Fatal("the password typed twice does not sign in")
	}

	if _, err := set("a new passphrase here\na new passphrase HERE\n"); err == nil || !strings.Contains(err.Error(), "differ") {
		t.Errorf("two different answers: %v, want a refusal saying they differ", err)
	}
	if _, err := set("a new passphrase here\n"); err == nil || !strings.Contains(err.Error(), "given once") {
		t.Errorf("one answer where two are asked for: %v", err)
	}
	if !in.signsIn(email, "typed at the prompt") {
		t.Fatal("a refused change changed the password anyway")
	}

	if stderr, err := set("from a script\r\nmore input\n", "-"); err != nil {
		t.Fatalf("set-admin-password -: %v\n%s", err, stderr)
	} else if strings.Contains(stderr, "warning") {
		t.Errorf("read from standard input, warned: %s", stderr)
	}
	if !in.signsIn(email, "from a script") {
		t.Fatal("the first line of standard input (without its CRLF) does not sign in")
	}
	if _, err := set("", "-"); err == nil || !strings.Contains(err.Error(), "no password on standard input") {
		t.Errorf("- with nothing on standard input: %v", err)
	}

	stderr, err := set("", "given as an argument")
	if err != nil {
		t.Fatalf("the password as an argument: %v", err)
	}
	if !strings.Contains(stderr, "warning") || !strings.Contains(stderr, "shell's history") {
		t.Errorf("the password as an argument, stderr %q: no warning that it stays in the shell's history", stderr)
	}
	if !in.signsIn(email, "given as an argument") {
		t.Fatal("the password given as an argument does not sign in")
	}

	if _, err := set("", "one", "two"); err == nil || !strings.Contains(err.Error(), "usage: landlord set-admin-password <tenant> <email> [-]") {
		t.Errorf("too many arguments: %v", err)
	}
}
