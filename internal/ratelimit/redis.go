package ratelimit

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis is a Limiter shared by every replica through Redis. Request and
// token rates use fixed one-minute windows (one counter per key and minute,
// expiring with the window); concurrent streams use a counter per key with a
// safety TTL so a crashed replica cannot hold slots forever.
type Redis struct {
	c      redis.UniversalClient
	prefix string
	now    func() time.Time
}

var _ Limiter = (*Redis)(nil)

// NewRedis returns a limiter on client; keys are namespaced with prefix.
func NewRedis(client redis.UniversalClient, prefix string) *Redis {
	return &Redis{c: client, prefix: prefix, now: time.Now}
}

// streamTTL bounds how long a stream slot survives a replica that died
// without releasing it.
const streamTTL = 15 * time.Minute

func (r *Redis) window() (string, time.Duration) {
	now := r.now()
	w := now.Truncate(time.Minute)
	return strconv.FormatInt(w.Unix(), 10), w.Add(time.Minute).Sub(now)
}

// allowScript increments the request counter unless the request or token
// counter is over its limit. KEYS: req, tok. ARGV: reqLimit, tokLimit, ttlSeconds.
var allowScript = redis.NewScript(`
local req = tonumber(redis.call('GET', KEYS[1]) or '0')
local tok = tonumber(redis.call('GET', KEYS[2]) or '0')
local rl, tl = tonumber(ARGV[1]), tonumber(ARGV[2])
if rl > 0 and req >= rl then return 1 end
if tl > 0 and tok >= tl then return 2 end
if rl > 0 then
  redis.call('INCR', KEYS[1])
  redis.call('EXPIRE', KEYS[1], ARGV[3])
end
return 0
`)

// Allow implements Limiter.
func (r *Redis) Allow(ctx context.Context, key string, l Limits) (Decision, error) {
	if l.RequestsPerMinute <= 0 && l.TokensPerMinute <= 0 {
		return Decision{Allowed: true}, nil
	}
	w, left := r.window()
	res, err := allowScript.Run(ctx, r.c, []string{r.prefix + "req:" + key + ":" + w, r.prefix + "tok:" + key + ":" + w},
		l.RequestsPerMinute, l.TokensPerMinute, 120).Int()
	if err != nil {
		return Decision{}, fmt.Errorf("ratelimit redis: %w", err)
	}
	switch res {
	case 1:
		return Decision{RetryAfter: max(left, time.Second), Reason: "requests"}, nil
	case 2:
		return Decision{RetryAfter: max(left, time.Second), Reason: "tokens"}, nil
	}
	return Decision{Allowed: true}, nil
}

// AddTokens implements Limiter.
func (r *Redis) AddTokens(ctx context.Context, key string, l Limits, n int) error {
	if l.TokensPerMinute <= 0 || n <= 0 {
		return nil
	}
	w, _ := r.window()
	k := r.prefix + "tok:" + key + ":" + w
	p := r.c.TxPipeline()
	p.IncrBy(ctx, k, int64(n))
	p.Expire(ctx, k, 2*time.Minute)
	if _, err := p.Exec(ctx); err != nil {
		return fmt.Errorf("ratelimit redis: %w", err)
	}
	return nil
}

// acquireScript takes a stream slot if one is free. KEYS: streams. ARGV: limit, ttl.
var acquireScript = redis.NewScript(`
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n >= tonumber(ARGV[1]) then return 0 end
redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1
`)

// AcquireStream implements Limiter.
func (r *Redis) AcquireStream(ctx context.Context, key string, l Limits) (func(), bool, error) {
	if l.MaxConcurrentStreams <= 0 {
		return func() {}, true, nil
	}
	k := r.prefix + "streams:" + key
	ok, err := acquireScript.Run(ctx, r.c, []string{k}, l.MaxConcurrentStreams, int(streamTTL.Seconds())).Int()
	if err != nil {
		return nil, false, fmt.Errorf("ratelimit redis: %w", err)
	}
	if ok == 0 {
		return nil, false, nil
	}
	released := false
	return func() {
		if released {
			return
		}
		released = true
		// The request's context may be gone; release regardless.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		r.c.Decr(ctx, k)
	}, true, nil
}
