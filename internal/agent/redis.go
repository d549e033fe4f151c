package agent

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"
)

// RedisBackend shares kill-switch state between replicas: the disabled set
// is a Redis hash (so a starting replica loads it) and every change is
// published on a channel (so running replicas apply it at once).
type RedisBackend struct {
	rdb     *redis.Client
	hash    string
	channel string
	logger  *slog.Logger
}

type killMessage struct {
	Entry    KillEntry `json:"entry"`
	Disabled bool      `json:"disabled"`
}

// NewRedisBackend connects lazily to addr (host:port). prefix namespaces the
// keys (default "bulwark:kill").
func NewRedisBackend(addr, prefix string, logger *slog.Logger) *RedisBackend {
	if prefix == "" {
		prefix = "bulwark:kill"
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &RedisBackend{
		rdb:     redis.NewClient(&redis.Options{Addr: addr, DialTimeout: 2 * time.Second}),
		hash:    prefix + ":disabled",
		channel: prefix + ":events",
		logger:  logger,
	}
}

func field(e KillEntry) string { return e.Kind + ":" + e.Name }

// Publish stores the change and fans it out.
func (b *RedisBackend) Publish(ctx context.Context, e KillEntry, disabled bool) error {
	msg, err := json.Marshal(killMessage{Entry: e, Disabled: disabled})
	if err != nil {
		return err
	}
	pipe := b.rdb.TxPipeline()
	if disabled {
		v, _ := json.Marshal(e)
		pipe.HSet(ctx, b.hash, field(e), v)
	} else {
		pipe.HDel(ctx, b.hash, field(e))
	}
	pipe.Publish(ctx, b.channel, msg)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("redis: %w", err)
	}
	return nil
}

// Load returns the disabled targets.
func (b *RedisBackend) Load(ctx context.Context) ([]KillEntry, error) {
	m, err := b.rdb.HGetAll(ctx, b.hash).Result()
	if err != nil {
		return nil, fmt.Errorf("redis: %w", err)
	}
	out := make([]KillEntry, 0, len(m))
	for _, v := range m {
		var e KillEntry
		if err := json.Unmarshal([]byte(v), &e); err == nil && ValidTarget(Target{Kind: e.Kind, Name: e.Name}) == nil {
			out = append(out, e)
		}
	}
	return out, nil
}

// Sync subscribes to changes, loads the current state into k and applies
// every change until ctx ends. It returns once subscribed and loaded (or on
// error); the subscription runs in a goroutine that ends with ctx, and done
// is closed when it has.
func (b *RedisBackend) Sync(ctx context.Context, k *KillSwitch) (done <-chan struct{}, err error) {
	sub := b.rdb.Subscribe(ctx, b.channel)
	if _, err := sub.Receive(ctx); err != nil {
		sub.Close()
		return nil, fmt.Errorf("redis subscribe: %w", err)
	}
	entries, err := b.Load(ctx)
	if err != nil {
		sub.Close()
		return nil, err
	}
	for _, e := range entries {
		k.Apply(e, true)
	}
	ch := make(chan struct{})
	go func() {
		defer close(ch)
		defer sub.Close()
		msgs := sub.Channel()
		for {
			select {
			case <-ctx.Done():
				return
			case m, ok := <-msgs:
				if !ok {
					return
				}
				var km killMessage
				if err := json.Unmarshal([]byte(m.Payload), &km); err != nil || ValidTarget(Target{Kind: km.Entry.Kind, Name: km.Entry.Name}) != nil {
					b.logger.Warn("kill switch: ignoring malformed redis message")
					continue
				}
				k.Apply(km.Entry, km.Disabled)
			}
		}
	}()
	return ch, nil
}

// Close closes the Redis client.
func (b *RedisBackend) Close() error { return b.rdb.Close() }
