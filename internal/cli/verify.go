package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/bulwark-ai/bulwark/internal/modelscan/lock"
	"github.com/bulwark-ai/bulwark/internal/modelsign"
	"github.com/sigstore/sigstore-go/pkg/root"
)

// verifyReport is the --json output of `bulwark verify`.
type verifyReport struct {
	OK        bool              `json:"ok"`
	Path      string            `json:"path"`
	Lock      *lock.Result      `json:"lock,omitempty"`
	Signature *modelsign.Result `json:"signature,omitempty"`
	Error     string            `json:"error,omitempty"`
}

// runVerify implements `bulwark verify`: checks model files against a lock
// file (--lock) and/or a model-signing signature (--sig with --key, or with
// --trusted-root, --identity and --issuer). Exit 0 when everything
// matches, 1 on any changed, missing or extra file or a signature that does
// not verify, 2 when the check could not run.
func runVerify(ctx context.Context, env Env, args []string) int {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	lockPath := fs.String("lock", "", "lock file written by 'bulwark scan --write-lock'")
	sigPath := fs.String("sig", "", "model-signing bundle (default PATH/model.sig, or FILE.sig for a single file)")
	keyPath := fs.String("key", "", "PEM public key the signature must verify with")
	rootPath := fs.String("trusted-root", "", "Sigstore trusted root JSON (Fulcio CAs, Rekor and CT keys) for certificate signatures")
	identity := fs.String("identity", "", "certificate subject alternative name (email or URI) the signer must have")
	identityRe := fs.String("identity-regexp", "", "regular expression the certificate SAN must match (instead of --identity)")
	issuer := fs.String("issuer", "", "OIDC issuer of the signer's certificate")
	issuerRe := fs.String("issuer-regexp", "", "regular expression the OIDC issuer must match (instead of --issuer)")
	privatePKI := fs.Bool("trust-current-time", false, "verify a certificate at the current time without a log entry (private PKI only)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "usage: bulwark verify --lock models.lock PATH")
		fmt.Fprintln(env.Stderr, "       bulwark verify --sig model.sig --key pub.pem PATH")
		fmt.Fprintln(env.Stderr, "       bulwark verify --sig model.sig --trusted-root root.json --identity SAN --issuer URL PATH")
		fs.PrintDefaults()
	}
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitError
	}
	if len(paths) != 1 {
		fs.Usage()
		return ExitError
	}
	path := paths[0]
	wantSig := *sigPath != "" || *keyPath != "" || *rootPath != ""
	if *lockPath == "" && !wantSig {
		fmt.Fprintln(env.Stderr, "bulwark verify: give --lock, or --sig with --key or --trusted-root")
		return ExitError
	}
	rep := verifyReport{OK: true, Path: path}
	fail := func(code int, err error) int {
		if *asJSON {
			rep.OK = false
			rep.Error = err.Error()
			writeJSON(env.Stdout, rep)
		}
		fmt.Fprintf(env.Stderr, "bulwark verify: %v\n", err)
		return code
	}

	sig := *sigPath
	if wantSig && sig == "" {
		sig = defaultSigPath(path) // as written by 'bulwark sign'
	}
	if *lockPath != "" {
		var skip []string
		if wantSig {
			skip = append(skip, sig) // a signature added after pinning is not an extra model file
		}
		res, err := verifyLock(ctx, *lockPath, path, skip...)
		if err != nil {
			return fail(ExitError, err)
		}
		rep.Lock = &res
		rep.OK = rep.OK && res.OK()
	}
	if wantSig {
		opts, err := verifyOptions(*keyPath, *rootPath, modelsign.Identity{Issuer: *issuer, IssuerRegexp: *issuerRe, SAN: *identity, SANRegexp: *identityRe})
		if err != nil {
			return fail(ExitError, err)
		}
		opts.TrustCurrentTime = *privatePKI
		opts.SkipFiles = []string{sig}
		if *lockPath != "" {
			opts.SkipFiles = append(opts.SkipFiles, *lockPath)
		}
		bundle, err := os.ReadFile(sig)
		if err != nil {
			return fail(ExitError, err)
		}
		res, err := modelsign.Verify(ctx, bundle, path, opts)
		switch {
		case errors.Is(err, modelsign.ErrSignature) || errors.Is(err, modelsign.ErrStatement):
			return fail(ExitNegative, err)
		case err != nil:
			return fail(ExitError, err)
		}
		rep.Signature = res
		rep.OK = rep.OK && res.OK()
	}

	if *asJSON {
		if err := writeJSON(env.Stdout, rep); err != nil {
			return ExitError
		}
	} else {
		writeVerifyText(env.Stdout, rep)
	}
	if !rep.OK {
		return ExitNegative
	}
	return ExitOK
}

func verifyLock(ctx context.Context, lockPath, path string, skip ...string) (lock.Result, error) {
	f, err := os.Open(lockPath)
	if err != nil {
		return lock.Result{}, err
	}
	defer f.Close()
	l, err := lock.Read(f)
	if err != nil {
		return lock.Result{}, err
	}
	return lock.Verify(ctx, l, path, append(skip, lockPath)...)
}

func verifyOptions(keyPath, rootPath string, id modelsign.Identity) (modelsign.VerifyOptions, error) {
	var opts modelsign.VerifyOptions
	switch {
	case keyPath != "" && rootPath != "":
		return opts, errors.New("give --key or --trusted-root, not both")
	case keyPath != "":
		b, err := os.ReadFile(keyPath)
		if err != nil {
			return opts, err
		}
		pub, err := modelsign.LoadPublicKey(b)
		if err != nil {
			return opts, err
		}
		opts.PublicKey = pub
	case rootPath != "":
		tr, err := root.NewTrustedRootFromPath(rootPath)
		if err != nil {
			return opts, fmt.Errorf("--trusted-root: %w", err)
		}
		if (id.SAN == "" && id.SANRegexp == "") || (id.Issuer == "" && id.IssuerRegexp == "") {
			return opts, errors.New("--trusted-root needs --identity (or --identity-regexp) and --issuer (or --issuer-regexp)")
		}
		opts.TrustedRoot = tr
		opts.Identity = id
	default:
		return opts, errors.New("--sig needs --key or --trusted-root")
	}
	return opts, nil
}

func writeVerifyText(w io.Writer, rep verifyReport) {
	list := func(kind string, r lock.Result) {
		for _, c := range r.Changed {
			fmt.Fprintf(w, "%s: changed: %s (sha256 %s, want %s)\n", kind, c.Path, short(c.GotSHA256), short(c.WantSHA256))
		}
		for _, p := range r.Missing {
			fmt.Fprintf(w, "%s: missing: %s\n", kind, p)
		}
		for _, p := range r.Extra {
			fmt.Fprintf(w, "%s: extra: %s\n", kind, p)
		}
	}
	if rep.Lock != nil {
		list("lock", *rep.Lock)
	}
	if rep.Signature != nil {
		fmt.Fprintf(w, "signature: verified (model %q, %d files, signer %s)\n", rep.Signature.Model, rep.Signature.Files, rep.Signature.Signer)
		list("signature", rep.Signature.Diff)
	}
	if rep.OK {
		fmt.Fprintf(w, "OK: %s matches\n", rep.Path)
		return
	}
	fmt.Fprintf(w, "FAIL: %s does not match\n", rep.Path)
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
