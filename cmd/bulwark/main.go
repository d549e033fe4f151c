// Command bulwark is the Bulwark security gateway and control plane for production AI.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/bulwark-ai/bulwark/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], cli.Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv})
	stop()
	os.Exit(code)
}
