// Command setad is the Setad portal: one binary that serves the web pages and runs the operator
// commands (migrate, seed, election add, user add, audit verify and head).
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args, os.Getenv, os.Stdin, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "setad:", err)
		os.Exit(1)
	}
}
