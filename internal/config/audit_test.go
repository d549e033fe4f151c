package config

import (
	"strings"
	"testing"
	"time"
)

func TestAuditValidate(t *testing.T) {
	tests := []struct {
		name string
		a    Audit
		want string // substring of the error; "" means valid
	}{
		{"zero value", Audit{}, ""},
		{"demo", DemoAudit(), ""},
		{"full", Audit{Enabled: true, Store: "postgres", PostgresDSNEnv: "DSN", Mode: "batch", Backpressure: "alarm",
			Payloads: "full", MasterKeyEnv: "KEY", RetentionDays: 30}, ""},
		{"bad store", Audit{Store: "mysql"}, "store"},
		{"bad mode", Audit{Mode: "async"}, "mode"},
		{"bad backpressure", Audit{Backpressure: "drop"}, "backpressure"},
		{"bad payloads", Audit{Payloads: "all"}, "payloads"},
		{"postgres without dsn", Audit{Store: "postgres"}, "postgres_dsn"},
		{"both dsn", Audit{Store: "postgres", PostgresDSN: "x", PostgresDSNEnv: "Y"}, "set one"},
		{"payloads without key", Audit{Payloads: "redacted"}, "master_key"},
		{"both keys", Audit{Payloads: "full", MasterKeyFile: "f", MasterKeyEnv: "E"}, "set one"},
		{"negative interval", Audit{CheckpointInterval: Duration(-time.Second)}, "checkpoint_interval"},
		{"huge batch interval", Audit{BatchInterval: Duration(time.Minute)}, "loss window"},
		{"negative queue", Audit{QueueSize: -1}, "queue_size"},
		{"origin with space", Audit{Origin: "my log"}, "origin"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.a.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("Validate(%+v) = %v; want nil", tc.a, err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("Validate(%+v) = %v; want error containing %q", tc.a, err, tc.want)
			}
		})
	}
}

func TestAuditDefaults(t *testing.T) {
	a := Audit{DataDir: "/var/lib/bulwark"}.WithDefaults()
	if a.SQLitePath != "/var/lib/bulwark/audit.db" || a.SigningKey != "/var/lib/bulwark/audit.key" ||
		a.PublicKey != "/var/lib/bulwark/audit.pub" || a.Mode != "sync" || a.Backpressure != "reject" || a.Payloads != "off" {
		t.Errorf("WithDefaults() = %+v; want paths under the data dir, sync, reject, off", a)
	}
	if d := DemoAudit(); !d.Enabled || d.SQLitePath != "data/audit.db" {
		t.Errorf("DemoAudit() = %+v; want enabled with data/audit.db", d)
	}
}
