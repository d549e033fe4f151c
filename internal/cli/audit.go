package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/bulwark-ai/bulwark/internal/audit"
	"github.com/bulwark-ai/bulwark/internal/config"
	"github.com/bulwark-ai/bulwark/internal/store"
	"github.com/bulwark-ai/bulwark/internal/store/postgres"
	"github.com/bulwark-ai/bulwark/internal/store/sqlite"
)

// runAudit implements `bulwark audit verify|proof|export`. All state
// defaults to ./data (the database, the public key), so the commands need
// no flags where `bulwark serve --demo` ran.
func runAudit(ctx context.Context, env Env, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(env.Stdout, `usage: bulwark audit <command> [flags]

  verify   verify the whole log offline: leaves, tree, checkpoint signatures
           (exit 0 verified, 1 tampered, 2 error)
  proof    print an inclusion (--index N [--size M]) or consistency
           (--from A [--to B]) proof; --verify FILE checks one offline
  export   write events as JSONL for a SIEM

Common flags: --data DIR (default ./data), --db FILE, --dsn DSN (PostgreSQL,
or $BULWARK_AUDIT_DSN), --pubkey FILE, --config FILE (use its audit section).
`)
		if len(args) == 0 {
			return ExitError
		}
		return ExitOK
	}
	switch args[0] {
	case "verify":
		return runAuditVerify(ctx, env, args[1:])
	case "proof":
		return runAuditProof(ctx, env, args[1:])
	case "export":
		return runAuditExport(ctx, env, args[1:])
	}
	fmt.Fprintf(env.Stderr, "bulwark audit: unknown command %q (verify, proof, export)\n", args[0])
	return ExitError
}

// auditFlags are the flags every audit subcommand shares.
type auditFlags struct {
	data, db, dsn, pubkey, cfgPath, origin string
}

func (f *auditFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.data, "data", "", "data directory of the audit log (default ./data, or the config's audit.data_dir)")
	fs.StringVar(&f.db, "db", "", "SQLite database (default <data>/audit.db)")
	fs.StringVar(&f.dsn, "dsn", "", "PostgreSQL DSN instead of SQLite (default $BULWARK_AUDIT_DSN)")
	fs.StringVar(&f.pubkey, "pubkey", "", "note verifier key file (default <data>/audit.pub)")
	fs.StringVar(&f.cfgPath, "config", "", "take store and key locations from this config's audit section")
	fs.StringVar(&f.origin, "origin", "", "require this checkpoint origin")
}

// resolve returns the effective audit config: the config file's section (if
// any) overridden by flags.
func (f *auditFlags) resolve(env Env) (config.Audit, error) {
	var c config.Audit
	if f.cfgPath != "" {
		cfg, err := config.Load(f.cfgPath)
		if err != nil {
			return c, err
		}
		c = cfg.Audit
	}
	if f.data != "" {
		c.DataDir = f.data
		c.SQLitePath, c.PublicKey = "", ""
	}
	if f.db != "" {
		c.Store, c.SQLitePath = "sqlite", f.db
	}
	dsn := f.dsn
	if dsn == "" && f.cfgPath == "" && env.Getenv != nil {
		dsn = env.Getenv("BULWARK_AUDIT_DSN")
	}
	if dsn != "" {
		c.Store, c.PostgresDSN, c.PostgresDSNEnv = "postgres", dsn, ""
	}
	if f.pubkey != "" {
		c.PublicKey = f.pubkey
	}
	if f.origin != "" {
		c.Origin = f.origin
	}
	return c.WithDefaults(), nil
}

// openStore opens the store read-mostly: a missing SQLite file is an error,
// not a new empty log.
func openStore(ctx context.Context, env Env, c config.Audit) (store.Store, error) {
	if c.Store == "postgres" {
		dsn := c.PostgresDSN
		if c.PostgresDSNEnv != "" && env.Getenv != nil {
			dsn = env.Getenv(c.PostgresDSNEnv)
		}
		return postgres.Open(ctx, dsn, postgres.Options{})
	}
	if _, err := os.Stat(c.SQLitePath); err != nil {
		return nil, fmt.Errorf("no audit database at %s (run where `bulwark serve` ran, or pass --data/--db)", c.SQLitePath)
	}
	return sqlite.Open(ctx, c.SQLitePath, sqlite.Options{MustExist: true})
}

func parseFlags(fs *flag.FlagSet, args []string) (int, bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK, false
		}
		return ExitError, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "bulwark audit %s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return ExitError, false
	}
	return 0, true
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }

func runAuditVerify(ctx context.Context, env Env, args []string) int {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	var af auditFlags
	af.register(fs)
	var extra multiFlag
	fs.Var(&extra, "checkpoint", "a signed checkpoint kept elsewhere (file; repeatable): catches truncation of the whole tail")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	c, err := af.resolve(env)
	if err != nil {
		fmt.Fprintf(env.Stderr, "bulwark audit verify: %v\n", err)
		return ExitError
	}
	v, err := audit.LoadVerifier(c.PublicKey)
	if err != nil {
		fmt.Fprintf(env.Stderr, "bulwark audit verify: %v\n", err)
		return ExitError
	}
	opts := audit.VerifyOptions{Origin: af.origin}
	for _, p := range extra {
		b, err := os.ReadFile(p)
		if err != nil {
			fmt.Fprintf(env.Stderr, "bulwark audit verify: %v\n", err)
			return ExitError
		}
		opts.Extra = append(opts.Extra, b)
	}
	st, err := openStore(ctx, env, c)
	if err != nil {
		fmt.Fprintf(env.Stderr, "bulwark audit verify: %v\n", err)
		return ExitError
	}
	defer st.Close()
	rep, err := audit.VerifyStore(ctx, st, v, opts)
	if err != nil {
		fmt.Fprintf(env.Stderr, "bulwark audit verify: %v\n", err)
		return ExitError
	}
	if *asJSON {
		writeJSONOut(env.Stdout, rep)
	} else {
		printReport(env.Stdout, rep)
	}
	if !rep.OK() {
		return ExitNegative
	}
	return ExitOK
}

func printReport(w io.Writer, r *audit.Report) {
	fmt.Fprintf(w, "entries: %d, checkpoints: %d (latest covers %d), payloads: %d (%d erased)\n",
		r.Size, r.Checkpoints, r.LatestCheckpoint, r.Payloads, r.ErasedPayloads)
	if r.Uncovered > 0 {
		fmt.Fprintf(w, "note: the last %d entries are not yet covered by a signed checkpoint\n", r.Uncovered)
	}
	if r.OK() {
		fmt.Fprintf(w, "root: %s\nOK: log verified\n", r.Root)
		return
	}
	first := r.Problems[0]
	fmt.Fprintf(w, "FAIL: first bad index %d: %s: %s\n", first.Index, first.Kind, first.Detail)
	for _, p := range r.Problems[1:] {
		fmt.Fprintf(w, "  also index %d: %s: %s\n", p.Index, p.Kind, p.Detail)
	}
}

func openOut(env Env, path string) (io.Writer, func() error, error) {
	if path == "" || path == "-" {
		return env.Stdout, func() error { return nil }, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, nil, err
	}
	return f, f.Close, nil
}
