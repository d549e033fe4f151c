package secrets

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-ai/bulwark/internal/guard"
)

var (
	detOnce sync.Once
	det     *Detector
	detErr  error
)

func testDetector(t testing.TB) *Detector {
	t.Helper()
	detOnce.Do(func() { det, detErr = New(Options{}) })
	if detErr != nil {
		t.Fatal(detErr)
	}
	return det
}

// Test keys below are built from parts so that the repository itself does not
// trip secret scanners; none of them is a live credential.
const (
	rsaKey = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi3ZNnQeM3K4uJ8rTZg5YwVvD0Q\nq1c9Zr8JmWcN1F2s3vY7hPq0xQ+L2m9aB4d8wE6tYu1iOp3rS5kJ7gH0fV2cX9bZ\n-----END RSA PRIVATE KEY-----"
	sshKey = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACDq3m7YxZ0u1w9vYt8l6b2kQ3zN5rT0sUa7cVd4eFgHAAAAkGx5wRhseMEY\n-----END OPENSSH PRIVATE KEY-----"
	// {"alg":"HS256","typ":"JWT"}.{"sub":"u-4821","name":"Dana Okafor","iat":1700000000}.sig
	jwtTok = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9" + "." + "eyJzdWIiOiJ1LTQ4MjEiLCJuYW1lIjoiRGFuYSBPa2Fmb3IiLCJpYXQiOjE3MDAwMDAwMDB9" + "." + "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
	// jwt.io's sample payload, {"sub":"1234567890","name":"John Doe","iat":1516239022}
	jwtIOTok = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9" + "." + "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ" + "." + "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)

func awsKey() string { return "AKIA" + "Z3MSJV4WWNKWW5ZC" }
func ghToken() string {
	return "ghp_" + "8dTq2nXw0LrB5vK7mYzP4cHs9aJ6fE1gU3oR"
}

func TestFindPositives(t *testing.T) {
	d := testDetector(t)
	tests := []struct {
		name   string
		text   string
		typ    string
		secret string // the text the finding must cover
	}{
		{"aws key in prompt", "why does boto fail with key " + awsKey() + " and region us-east-1?", "AWS_ACCESS_KEY", awsKey()},
		{"github pat", "export GITHUB_TOKEN=" + ghToken(), "GITHUB_TOKEN", ghToken()},
		{"rsa private key", "here is my key:\n" + rsaKey + "\nthanks", "PRIVATE_KEY", rsaKey},
		{"openssh private key", sshKey, "PRIVATE_KEY", sshKey},
		{"indented private key", "tls:\n  key: |\n" + strings.ReplaceAll(rsaKey, "\n", "\n"+strings.Repeat(" ", 24)) + "\n  port: 443", "PRIVATE_KEY", strings.ReplaceAll(rsaKey, "\n", "\n"+strings.Repeat(" ", 24))},
		{"END line cut off (a stream so far)", "here:\n" + rsaKey[:len(rsaKey)-12], "PRIVATE_KEY", rsaKey[:len(rsaKey)-12]},
		{"truncated private key", "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7", "PRIVATE_KEY", "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7"},
		{"jwt", "Authorization: Bearer " + jwtTok, "JWT", jwtTok},
		{"postgres url", "DATABASE_URL=postgres://app:Xk9#mQ2vLp@db.internal:5432/prod", "CONNECTION_STRING", "Xk9#mQ2vLp"},
		{"mongodb srv", "mongodb+srv://admin:s3cr3tPassW0rd@cluster0.abcde.mongodb.net/test", "CONNECTION_STRING", "s3cr3tPassW0rd"},
		{"redis", "redis://:9fT2kLq8Zx@cache:6379/0", "CONNECTION_STRING", "9fT2kLq8Zx"},
		{"amqp", "amqp://guest:Rb7tQ9zW2m@rabbit/", "CONNECTION_STRING", "Rb7tQ9zW2m"},
		{"jdbc query password", "jdbc:mysql://db:3306/shop?user=shop&password=Wq8zT4nPv2", "CONNECTION_STRING", "Wq8zT4nPv2"},
		{"ado.net", "Server=tcp:sql.example.net,1433;Database=app;User Id=app;Password=Gh7!kP2qZw;", "CONNECTION_STRING", "Gh7!kP2qZw"},
		{"password assignment", `db_password = "Tr0ub4dor&3x"`, "GENERIC_SECRET", "Tr0ub4dor&3x"},
		{"password in prose", "my password is Qz7!mK2pLw9, can you check it?", "GENERIC_SECRET", "Qz7!mK2pLw9"},
		{"yaml secret", "client_secret: 8fJ2kLq9ZxV4mN7pR1sT", "GENERIC_SECRET", "8fJ2kLq9ZxV4mN7pR1sT"},
		{"rails secret", "secret_key_base: a8f5f167f44f4964e6c998dee827110c", "GENERIC_SECRET", "a8f5f167f44f4964e6c998dee827110c"},
		{"oauth token", `access_token: "ya29.a0AfH6SMBx3kT9qLmZ7pR2vW8nY4cJ1dF6gH0sK5uE"`, "GENERIC_SECRET", "ya29.a0AfH6SMBx3kT9qLmZ7pR2vW8nY4cJ1dF6gH0sK5uE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := d.Find(tt.text)
			want := strings.Index(tt.text, tt.secret)
			for _, f := range fs {
				if f.Type == tt.typ && f.Start == want && f.End == want+len(tt.secret) {
					return
				}
			}
			t.Errorf("Find(%q) = %+v; want a %s finding at [%d,%d)", tt.text, fs, tt.typ, want, want+len(tt.secret))
		})
	}
}

func TestFindNegatives(t *testing.T) {
	d := testDetector(t)
	tests := []struct{ name, text string }{
		{"plain prose", "Please summarise the quarterly report and list three risks."},
		{"uuid", "request id 3f2b8c9e-1d4a-4e7b-9c2f-5a6b7c8d9e0f failed"},
		{"git sha", "fixed in commit 9fceb02d0ae598e95dc970b74767f19372d61af8"},
		{"sha256", "sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"md5 hash", "checksum d41d8cd98f00b204e9800998ecf8427e"},
		{"placeholder key", "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE"},
		{"env reference", `password = os.environ["DB_PASSWORD"]`},
		{"template", "DATABASE_URL=postgres://user:${DB_PASS}@localhost/app"},
		{"doc placeholder", "postgres://user:password@localhost:5432/mydb"},
		{"angle placeholder", "mysql://root:<password>@127.0.0.1/db"},
		{"url without password", "https://example.com/path?q=1 and postgres://db.internal/app"},
		{"pem mention", "What is the difference between -----BEGIN RSA PRIVATE KEY----- and -----BEGIN PRIVATE KEY-----?"},
		{"public key", "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo\n-----END PUBLIC KEY-----"},
		{"jwt-like garbage", "eyJub3QgYSBqd3Q.eyJhbHNvIG5vdA.abc"},
		{"password word", "The password is incorrect, please reset it."},
		{"password field code", "password = request.form.get(\"password\")"},
		{"max tokens", `{"max_tokens": 4096, "temperature": 0.2}`},
		{"secret name", `secret_name = "PROD_DB_PASSWORD"`},
		{"masked", `api_key: "sk-****************"`},
		{"password variables", "def login(username, password):\n    if check_password(password, user.password_hash):\n        return token"},
		{"env placeholder", "Set the env var OPENAI_API_KEY=<your key> and run python app.py"},
		{"js config", "const apiKey = process.env.API_KEY;\nconst secret = config.get('jwtSecret');"},
		{"ci secret reference", "password: ${{ secrets.DB_PASSWORD }}"},
		{"curl with variable", "curl -H 'Authorization: Bearer $TOKEN' https://api.example.com/v1/items"},
		{"image digest", "image: nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31"},
		{"key id", "Use the key ID 3AA5C34371567BD2 to verify the signature"},
		{"local redis", "redis://localhost:6379/0"},
		{"default postgres", "DATABASE_URL=postgres://postgres:postgres@localhost:5432/dev"},
		{"prose", "The Secret Garden is a novel; its key themes are healing and friendship."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if fs := d.Find(tt.text); len(fs) != 0 {
				t.Errorf("Find(%q) = %+v; want none", tt.text, fs)
			}
		})
	}
}

func TestScanFindingShape(t *testing.T) {
	d := testDetector(t)
	text := "key " + awsKey()
	got, err := d.Scan(context.Background(), guard.Input{Text: text})
	if err != nil {
		t.Fatal(err)
	}
	want := []guard.Finding{{Scanner: "secrets", Type: "AWS_ACCESS_KEY", Score: 0.95, Start: 4, End: len(text), RuleID: "aws-access-token"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Scan(%q) mismatch (-want +got):\n%s", text, diff)
	}
}

func TestScanCancelled(t *testing.T) {
	d := testDetector(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := d.Scan(ctx, guard.Input{Text: awsKey()}); err == nil {
		t.Errorf("Scan(cancelled ctx) error = nil; want context.Canceled")
	}
}

func TestNewOptions(t *testing.T) {
	if _, err := New(Options{DisabledRules: []string{"no-such-rule"}}); err == nil {
		t.Errorf("New(unknown rule) error = nil; want error")
	}
	if _, err := New(Options{GenericMinEntropy: -1}); err == nil {
		t.Errorf("New(negative entropy) error = nil; want error")
	}
	d, err := New(Options{DisabledRules: []string{"aws-access-token"}})
	if err != nil {
		t.Fatal(err)
	}
	if fs := d.Find("key " + awsKey()); len(fs) != 0 {
		t.Errorf("Find with aws-access-token disabled = %+v; want none", fs)
	}
}

func TestConnPassword(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"postgres://u:p4ss@h/db", "p4ss", true},
		{"postgresql://u:p@ss@h:5432", "p@ss", true},
		{"jdbc:postgresql://h/db?user=u&password=pw9", "pw9", true},
		{"mongodb://h/?authSource=admin&pwd=zz", "zz", true},
		{"https://user:tok@github.com/org/repo.git", "tok", true},
		{"https://host:8080/path", "", false},
		{"postgres://u@h/db", "", false},
		{"unknown://u:p@h", "", false},
		{"://u:p@h", "", false},
		{"redis://:only@h", "only", true},
	}
	for _, tt := range tests {
		s, e, ok := ConnPassword(tt.in)
		got := ""
		if ok {
			got = tt.in[s:e]
		}
		if ok != tt.ok || got != tt.want {
			t.Errorf("ConnPassword(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestShannon(t *testing.T) {
	tests := []struct {
		in   string
		want float64
	}{
		{"", 0}, {"aaaa", 0}, {"ab", 1}, {"abcd", 2},
	}
	for _, tt := range tests {
		if got := shannon(tt.in); got != tt.want {
			t.Errorf("shannon(%q) = %v; want %v", tt.in, got, tt.want)
		}
	}
}

func TestKeywordIndex(t *testing.T) {
	ix := newKeywordIndex([][]string{{"akia"}, {"ghp_", "gho_"}, {"she", "he"}, {"hers"}})
	_, occ := ix.match("uSHErs", nil)
	var starts []int32
	for _, o := range occ {
		starts = append(starts, o.start)
	}
	if diff := cmp.Diff([]int32{1, 2, 2}, starts); diff != "" {
		t.Errorf("match(%q) occurrence starts mismatch (-want +got):\n%s", "uSHErs", diff)
	}
	tests := []struct {
		in   string
		want uint64
	}{
		{"nothing at all", 0},
		{"xAKIAy", 1},
		{"GHO_abc", 2},
		{"ushers", 4 | 8},
		{"he", 4},
	}
	for _, tt := range tests {
		if hit, _ := ix.match(tt.in, nil); hit[0] != tt.want {
			got := hit[0]
			t.Errorf("match(%q) = %b; want %b", tt.in, got, tt.want)
		}
	}
}

// TestInvisibleCharactersInsideSecret: a zero-width space or joiner inside
// a key does not hide it (a model reads it as the key), and the span covers
// the whole key with them.
func TestInvisibleCharactersInsideSecret(t *testing.T) {
	d, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []string{
		"my key is AKIA\u200bZ3M5QW7R2T6Y4UXP ok",
		"my key is AKIAZ3M5Q\u200dW7R2T6Y4UXP\u2060 ok",
	} {
		fs := d.Find(in)
		if len(fs) != 1 || fs[0].Type != "AWS_ACCESS_KEY" {
			t.Fatalf("Find(%q) = %+v; want one AWS_ACCESS_KEY", in, fs)
		}
		span := in[fs[0].Start:fs[0].End]
		if !strings.HasPrefix(span, "AKIA") || !strings.HasSuffix(strings.TrimRight(span, "\u2060"), "UXP") {
			t.Errorf("Find(%q) span = %q; want the whole key", in, span)
		}
	}
}
