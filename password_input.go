package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"landlord/models"
)

// adminPassword is the password set-admin-password sets; args is what follows
// the email. Nothing: asked for twice, without echo on a terminal, else read
// as two lines of stdin. "-": one line of stdin, for scripts and `docker exec
// -i`. Anything else is the password itself, as scripts have always given it,
// with a warning: it stays in the shell's history and shows in the process list.
func adminPassword(ctx context.Context, args []string, stdin io.Reader, stderr io.Writer) (string, error) {
	if len(args) == 1 && args[0] != "-" {
		fmt.Fprintln(stderr, "landlord: warning: a password given on the command line stays in the shell's history and shows in the process list; leave it out to be asked for it, or give - to read it from standard input")
		return args[0], nil
	}
	if len(args) == 1 {
		password, err := readLine(bufio.NewReader(stdin))
		if err != nil || password == "" {
			return "", errors.New("set-admin-password: no password on standard input (give it as one line)")
		}
		return password, nil
	}
	var first, second string
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		var err error
		if first, err = askHidden(ctx, int(f.Fd()), stderr, fmt.Sprintf("Password (at least %d characters): ", models.MinPasswordLength)); err != nil {
			return "", err
		}
		if second, err = askHidden(ctx, int(f.Fd()), stderr, "The same password again: "); err != nil {
			return "", err
		}
	} else {
		r := bufio.NewReader(stdin)
		var err error
		if first, err = readLine(r); err != nil {
			return "", errors.New("set-admin-password: no password given: type it at the prompt, or pipe it twice (two lines), or give - to read it once from standard input")
		}
		if second, err = readLine(r); err != nil {
			return "", errors.New("set-admin-password: the password was given once; give it twice (two lines), or give - to read it once from standard input")
		}
	}
	if first != second {
		return "", errors.New("set-admin-password: the two passwords differ; nothing was changed")
	}
	if first == "" {
		return "", errors.New("set-admin-password: the password is empty; nothing was changed")
	}
	return first, nil
}

// readLine reads one line, without its line ending; the last line may lack
// one. io.EOF means there was no line at all.
func readLine(r *bufio.Reader) (string, error) {
	line, err := r.ReadString('\n')
	if err != nil && (err != io.EOF || line == "") {
		return "", err
	}
	return strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r"), nil
}

// askHidden prompts on stderr and reads a line from the terminal fd without
// echoing it. The program catches Ctrl-C (it cancels ctx), so the read is
// abandoned then, with the terminal's echo turned back on.
func askHidden(ctx context.Context, fd int, stderr io.Writer, prompt string) (string, error) {
	state, err := term.GetState(fd)
	if err != nil {
		return "", err
	}
	fmt.Fprint(stderr, prompt)
	type answer struct {
		b   []byte
		err error
	}
	got := make(chan answer, 1)
	go func() {
		b, err := term.ReadPassword(fd)
		got <- answer{b, err}
	}()
	select {
	case a := <-got:
		fmt.Fprintln(stderr)
		return string(a.b), a.err
	case <-ctx.Done():
		term.Restore(fd, state)
		fmt.Fprintln(stderr)
		return "", errors.New("set-admin-password: interrupted; nothing was changed")
	}
}
