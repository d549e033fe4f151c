package cli

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/bulwark-ai/bulwark/internal/audit"
)

func writeJSONOut(w io.Writer, v any) {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// runAuditProof prints an inclusion or consistency proof, or verifies one.
func runAuditProof(ctx context.Context, env Env, args []string) int {
	fs := flag.NewFlagSet("proof", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	var af auditFlags
	af.register(fs)
	index := fs.Int64("index", -1, "inclusion proof for the entry at this index")
	size := fs.Uint64("size", 0, "tree size of the checkpoint to prove against (default: latest checkpoint)")
	from := fs.Int64("from", -1, "consistency proof from this tree size")
	to := fs.Uint64("to", 0, "consistency proof to this tree size (default: latest checkpoint)")
	verifyFile := fs.String("verify", "", "verify the proof in FILE offline with --pubkey (exit 0 valid, 1 invalid)")
	fromRoot := fs.String("from-root", "", "with --verify: base64 root you trust for the proof's from size")
	out := fs.String("out", "", "write the proof to FILE (default stdout)")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	c, err := af.resolve(env)
	if err != nil {
		fmt.Fprintf(env.Stderr, "bulwark audit proof: %v\n", err)
		return ExitError
	}
	if *verifyFile != "" {
		return verifyProofFile(env, c.PublicKey, af.origin, *verifyFile, *fromRoot)
	}
	if (*index < 0) == (*from < 0) {
		fmt.Fprintln(env.Stderr, "bulwark audit proof: give --index N (inclusion) or --from A (consistency), or --verify FILE")
		return ExitError
	}
	st, err := openStore(ctx, env, c)
	if err != nil {
		fmt.Fprintf(env.Stderr, "bulwark audit proof: %v\n", err)
		return ExitError
	}
	defer st.Close()
	var p *audit.Proof
	if *index >= 0 {
		p, err = audit.InclusionProof(ctx, st, uint64(*index), *size)
	} else {
		p, err = audit.ConsistencyProof(ctx, st, uint64(*from), *to)
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "bulwark audit proof: %v\n", err)
		return ExitError
	}
	w, closeOut, err := openOut(env, *out)
	if err != nil {
		fmt.Fprintf(env.Stderr, "bulwark audit proof: %v\n", err)
		return ExitError
	}
	writeJSONOut(w, p)
	if err := closeOut(); err != nil {
		fmt.Fprintf(env.Stderr, "bulwark audit proof: %v\n", err)
		return ExitError
	}
	return ExitOK
}

func verifyProofFile(env Env, pubkey, origin, path, fromRoot string) int {
	v, err := audit.LoadVerifier(pubkey)
	if err != nil {
		fmt.Fprintf(env.Stderr, "bulwark audit proof: %v\n", err)
		return ExitError
	}
	data, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintf(env.Stderr, "bulwark audit proof: %v\n", err)
		return ExitError
	}
	var root []byte
	if fromRoot != "" {
		if root, err = base64.StdEncoding.DecodeString(fromRoot); err != nil {
			fmt.Fprintln(env.Stderr, "bulwark audit proof: --from-root: not base64")
			return ExitError
		}
	}
	p, err := audit.VerifyProof(data, v, origin, root)
	if err != nil {
		fmt.Fprintf(env.Stdout, "INVALID: %v\n", err)
		return ExitNegative
	}
	if p.Type == audit.ProofInclusion {
		fmt.Fprintf(env.Stdout, "OK: entry %d is included in the signed tree of size %d\n", p.Index, p.Size)
	} else {
		fmt.Fprintf(env.Stdout, "OK: the tree of size %d is a prefix of the signed tree of size %d\n", p.From, p.Size)
	}
	return ExitOK
}
