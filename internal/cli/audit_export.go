package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/url"

	"github.com/bulwark-ai/bulwark/internal/audit"
)

// runAuditExport writes matching events as JSONL: one EntryView per line,
// decoded from the signed leaves. Payloads are exported only with
// --payloads and the master key; otherwise only their commitments.
func runAuditExport(ctx context.Context, env Env, args []string) int {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	var af auditFlags
	af.register(fs)
	q := url.Values{}
	for _, name := range []string{"since", "until", "kind", "app", "key", "tenant", "end_user", "decision", "finding"} {
		fs.Func(name, "only events with this "+name+" (since/until: RFC 3339, date or duration ago)", func(s string) error {
			q.Set(name, s)
			return nil
		})
	}
	out := fs.String("out", "", "write to FILE (default stdout)")
	payloads := fs.Bool("payloads", false, "decrypt payloads into the export (needs the master key)")
	keyFile := fs.String("master-key-file", "", "master key file (with --payloads)")
	keyEnv := fs.String("master-key-env", "", "environment variable holding the master key (with --payloads)")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	c, err := af.resolve(env)
	if err != nil {
		fmt.Fprintf(env.Stderr, "bulwark audit export: %v\n", err)
		return ExitError
	}
	query, err := audit.ParseQuery(q)
	if err != nil {
		fmt.Fprintf(env.Stderr, "bulwark audit export: %v\n", err)
		return ExitError
	}
	var master []byte
	if *payloads {
		kf, ke := *keyFile, *keyEnv
		if kf == "" && ke == "" {
			kf, ke = c.MasterKeyFile, c.MasterKeyEnv
		}
		if master, err = audit.LoadMasterKey(kf, ke, env.Getenv); err != nil {
			fmt.Fprintf(env.Stderr, "bulwark audit export: --payloads: %v\n", err)
			return ExitError
		}
	}
	st, err := openStore(ctx, env, c)
	if err != nil {
		fmt.Fprintf(env.Stderr, "bulwark audit export: %v\n", err)
		return ExitError
	}
	defer st.Close()
	w, closeOut, err := openOut(env, *out)
	if err != nil {
		fmt.Fprintf(env.Stderr, "bulwark audit export: %v\n", err)
		return ExitError
	}
	enc := json.NewEncoder(w)
	n := 0
	query.Limit = 1000
	for {
		page, err := st.Query(ctx, query)
		if err != nil {
			closeOut()
			fmt.Fprintf(env.Stderr, "bulwark audit export: %v\n", err)
			return ExitError
		}
		for _, e := range page.Entries {
			v := audit.View(e)
			if master != nil && len(v.Payloads) > 0 {
				ps, err := audit.DecryptPayloads(ctx, st, master, e.Index)
				if err != nil {
					closeOut()
					fmt.Fprintf(env.Stderr, "bulwark audit export: payloads of %d: %v\n", e.Index, err)
					return ExitError
				}
				v.AddPayloads(ps)
			}
			if err := enc.Encode(v); err != nil {
				closeOut()
				fmt.Fprintf(env.Stderr, "bulwark audit export: %v\n", err)
				return ExitError
			}
			n++
		}
		if !page.More {
			break
		}
		query.From = page.Next
	}
	if err := closeOut(); err != nil {
		fmt.Fprintf(env.Stderr, "bulwark audit export: %v\n", err)
		return ExitError
	}
	if *out != "" {
		fmt.Fprintf(env.Stderr, "exported %d events to %s\n", n, *out)
	}
	return ExitOK
}
