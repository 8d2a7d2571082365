// Command skm-ferretdb runs FerretDB v1.24 with its SQLite backend as the
// project's embedded development and test database. It embeds FerretDB's
// `ferretdb` package (FerretDB's own cmd/ferretdb panics when built with
// `go install`, because its version file is generated at release time).
//
// Usage: skm-ferretdb -listen 127.0.0.1:0 -data /path/to/dir
//
// When the listener is up it prints one line to stdout:
//
//	READY mongodb://127.0.0.1:PORT/
//
// and it stops cleanly on SIGINT or SIGTERM. Telemetry is always off.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	_ "net/http/pprof"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on (port 0 picks a free port)")
	data := flag.String("data", "", "directory that holds the SQLite database files (required)")
	watchParent := flag.Bool("watch-parent", true, "exit when the parent process exits")
	logLevel := flag.String("log-level", "warn", "log level: debug, info, warn, error")
	debugAddr := flag.String("debug-addr", "", "if set, serve Go's pprof profiles on this address (e.g. 127.0.0.1:6060)")
	flag.Parse()

	if *data == "" {
		fmt.Fprintln(os.Stderr, "skm-ferretdb: -data is required")
		os.Exit(2)
	}
	dir, err := filepath.Abs(*data)
	if err == nil {
		err = os.MkdirAll(dir, 0o700)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "skm-ferretdb: cannot use data directory %q: %v\n", *data, err)
		os.Exit(2)
	}

	// Garbage collection. FerretDB's live heap is small (tens of MB) while it allocates for every
	// document it reads or writes, so at Go's default (GOGC=100) the collector ran almost
	// constantly: a 400% target cut the server's CPU by a third in the test suite. A soft memory
	// limit keeps a large live heap from growing five-fold. GOGC and GOMEMLIMIT in the environment win.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(1 << 30)
	}

	if *debugAddr != "" {
		go func() { _ = http.ListenAndServe(*debugAddr, nil) }()
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		level = slog.LevelWarn
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	// Telemetry is disabled by the embedded package itself (state.DisableTelemetry).
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + filepath.ToSlash(dir) + "/",
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "skm-ferretdb: %v\n", err)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	// Stop when the process that started us goes away (killed app, crashed
	// test runner), so no orphaned database keeps its port and files.
	if *watchParent {
		parent := os.Getppid()
		go func() {
			for range time.Tick(time.Second) {
				if os.Getppid() != parent {
					stop()
					return
				}
			}
		}()
	}

	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := f.Run(ctx); err != nil {
			fmt.Fprintf(os.Stderr, "skm-ferretdb: %v\n", err)
		}
	}()

	// MongoDBURI blocks until the TCP listener is ready.
	fmt.Printf("READY %s\n", f.MongoDBURI())

	<-done
}
