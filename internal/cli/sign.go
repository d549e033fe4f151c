package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/bulwark-ai/bulwark/internal/modelsign"
)

// runSign implements `bulwark sign --key KEY.pem [--out FILE] PATH`: writes
// an OpenSSF model-signing bundle over every file of PATH. With
// --generate-key FILE it writes a new ECDSA P-256 key pair (FILE and
// FILE.pub) instead.
func runSign(ctx context.Context, env Env, args []string) int {
	fs := flag.NewFlagSet("sign", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	keyPath := fs.String("key", "", "PEM private key (ECDSA P-256/P-384 or Ed25519, unencrypted PKCS#8 or SEC 1)")
	out := fs.String("out", "", "where to write the signature (default PATH/model.sig, or FILE.sig for a single file)")
	name := fs.String("model-name", "", "model name recorded in the signature (default: the base name of PATH)")
	ignore := fs.String("ignore", "", "comma-separated paths under PATH to leave out of the signature")
	genKey := fs.String("generate-key", "", "write a new ECDSA P-256 private key to FILE and its public key to FILE.pub, then exit")
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "usage: bulwark sign --key KEY.pem [--out model.sig] [--ignore a,b] PATH")
		fmt.Fprintln(env.Stderr, "       bulwark sign --generate-key KEY.pem")
		fs.PrintDefaults()
	}
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitError
	}
	if *genKey != "" {
		return generateKey(env, *genKey)
	}
	if len(paths) != 1 || *keyPath == "" {
		fs.Usage()
		return ExitError
	}
	path := paths[0]
	kb, err := os.ReadFile(*keyPath)
	if err != nil {
		fmt.Fprintf(env.Stderr, "bulwark sign: %v\n", err)
		return ExitError
	}
	key, err := modelsign.LoadPrivateKey(kb)
	if err != nil {
		fmt.Fprintf(env.Stderr, "bulwark sign: %v\n", err)
		return ExitError
	}
	sigPath := *out
	if sigPath == "" {
		sigPath = defaultSigPath(path)
	}
	opts := modelsign.SignOptions{ModelName: *name, SkipFiles: []string{sigPath}}
	if *ignore != "" {
		opts.Ignore = strings.Split(*ignore, ",")
	}
	if rel, ok := relInside(path, sigPath); ok {
		opts.Ignore = append(opts.Ignore, rel)
	}
	bundle, err := modelsign.Sign(ctx, path, key, opts)
	if err != nil {
		fmt.Fprintf(env.Stderr, "bulwark sign: %v\n", err)
		return ExitError
	}
	if err := os.WriteFile(sigPath, bundle, 0o644); err != nil {
		fmt.Fprintf(env.Stderr, "bulwark sign: %v\n", err)
		return ExitError
	}
	fmt.Fprintf(env.Stdout, "signed %s -> %s\n", path, sigPath)
	return ExitOK
}

func defaultSigPath(path string) string {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return filepath.Join(path, "model.sig")
	}
	return path + ".sig"
}

// relInside returns file's slash path relative to dir when it lies inside.
func relInside(dir, file string) (string, bool) {
	d, err1 := filepath.Abs(dir)
	f, err2 := filepath.Abs(file)
	if err1 != nil || err2 != nil {
		return "", false
	}
	rel, err := filepath.Rel(d, f)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

func generateKey(env Env, path string) int {
	priv, pub, err := modelsign.GenerateKey()
	if err != nil {
		fmt.Fprintf(env.Stderr, "bulwark sign: %v\n", err)
		return ExitError
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		fmt.Fprintf(env.Stderr, "bulwark sign: %v\n", err)
		return ExitError
	}
	_, werr := f.Write(priv)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.WriteFile(path+".pub", pub, 0o644)
	}
	if werr != nil {
		fmt.Fprintf(env.Stderr, "bulwark sign: %v\n", werr)
		return ExitError
	}
	fmt.Fprintf(env.Stdout, "wrote %s (private) and %s.pub (public)\n", path, path)
	return ExitOK
}
