package secrets

import (
	"strings"
	"testing"
)

// prompt1K is a realistic 1 KB prompt: prose plus a code snippet mentioning
// keys, tokens and passwords (so the prefilter lets rules through) without
// any real secret.
var prompt1K = func() string {
	s := "I am debugging our deployment. The service reads its API key from the environment and " +
		"passes an auth token to the upstream; the password for the database comes from the secret store. " +
		"Here is the config loader:\n\n```python\nimport os\n\ndef load():\n    api_key = os.environ[\"API_KEY\"]\n" +
		"    token = get_token(api_key)\n    password = os.environ.get(\"DB_PASSWORD\")\n    return Config(api_key, token, password)\n```\n\n" +
		"When I run it, the request fails with 401 Unauthorized after about 30 seconds. The access logs show the header " +
		"is present. Could the token be expired, or is the key rotated? We use version 2.3.1 of the client, commit " +
		"9fceb02d0ae598e95dc970b74767f19372d61af8, request id 3f2b8c9e-1d4a-4e7b-9c2f-5a6b7c8d9e0f. "
	for len(s) < 1024 {
		s += "Please explain step by step what to check next and how to rotate credentials safely. "
	}
	return s[:1024]
}()

func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		if _, err := New(Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFind1KPrompt(b *testing.B) {
	d := testDetector(b)
	b.SetBytes(int64(len(prompt1K)))
	for b.Loop() {
		d.Find(prompt1K)
	}
}

func BenchmarkFind1KPlain(b *testing.B) {
	d := testDetector(b)
	text := strings.Repeat("The quick brown fox jumps over the lazy dog while the band plays on. ", 16)[:1024]
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		d.Find(text)
	}
}

func BenchmarkFind1KWithSecrets(b *testing.B) {
	d := testDetector(b)
	text := (prompt1K[:600] + " export AWS_ACCESS_KEY_ID=" + awsKey() + "\n" + jwtTok + "\npostgres://app:Xk9mQ2vLp@db/prod\n" + prompt1K)[:1024]
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		d.Find(text)
	}
}

func BenchmarkFind64KDocument(b *testing.B) {
	d := testDetector(b)
	text := strings.Repeat(prompt1K, 64)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		d.Find(text)
	}
}
