// pgcost runs statements N times each on one connection, as the server does
// (pgx, statement cached), and prints the backend's CPU time per execution
// (from /proc/<pid>/schedstat, so it must run on the database's machine) and
// the client's wall time per execution. On a busy machine the backend's CPU
// time moves far less than throughput does.
//
//	go run ./docs/pgcost [-url URL] [-role landlord_app] [-n 5000] FILE...
//
// Each FILE holds one statement, then optionally a line "--args a|b|now"
// (now is the current time as a timestamptz).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

func cpu(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/schedstat", pid))
	if err != nil {
		panic(err)
	}
	n, _ := strconv.ParseInt(strings.Fields(string(b))[0], 10, 64)
	return n
}

func main() {
	url := flag.String("url", "postgres://postgres@127.0.0.1:5432/landlord_bench", "")
	n := flag.Int("n", 5000, "")
	role := flag.String("role", "", "SET ROLE first")
	flag.Parse()
	ctx := context.Background()
	c, err := pgx.Connect(ctx, *url)
	if err != nil {
		panic(err)
	}
	// SET ROLE, not a login as the role: a superuser URL can measure what
	// the request role runs without its password.
	if *role != "" {
		if _, err := c.Exec(ctx, "SET ROLE "+*role); err != nil {
			panic(err)
		}
	}
	var pid int
	c.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&pid)
	for _, f := range flag.Args() {
		b, _ := os.ReadFile(f)
		parts := strings.Split(strings.TrimSpace(string(b)), "\n--args ")
		q := parts[0]
		var args []any
		if len(parts) > 1 {
			for _, a := range strings.Split(parts[1], "|") {
				if a == "now" {
					args = append(args, time.Now())
				} else {
					args = append(args, a)
				}
			}
		}
		run := func(k int) {
			for i := 0; i < k; i++ {
				rows, err := c.Query(ctx, q, args...)
				if err != nil {
					panic(err)
				}
				for rows.Next() {
				}
				if rows.Err() != nil {
					panic(rows.Err())
				}
			}
		}
		run(20)
		a, t := cpu(pid), time.Now()
		run(*n)
		b2, el := cpu(pid), time.Since(t)
		fmt.Printf("%-28s backend %6.1f us  wall %6.1f us\n", f, float64(b2-a)/float64(*n)/1e3, float64(el.Microseconds())/float64(*n))
	}
}
