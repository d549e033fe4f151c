package audit

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"

	"github.com/bulwark-ai/bulwark/internal/store"
)

// ErrPushback is returned by Record when the log cannot accept the event
// now: the queue is full (backpressure "reject", or "alarm" after waiting
// AlarmWait). The event was NOT recorded; the caller must fail the request.
var ErrPushback = errors.New("audit: pushback: log is overloaded")

// ErrClosed is returned by Record after Close.
var ErrClosed = errors.New("audit: log closed")

// Mode is the durability mode.
type Mode string

// Durability modes.
const (
	// ModeSync: Record MUST NOT return nil before the event is committed
	// and fsync'd. Concurrent Records share one transaction (group commit).
	ModeSync Mode = "sync"
	// ModeBatch: Record returns once the event is queued; the queue is
	// committed every BatchInterval. A crash loses at most the events
	// accepted in the last BatchInterval plus one commit's duration.
	ModeBatch Mode = "batch"
)

// Backpressure says what Record does when the queue is full.
type Backpressure string

// Backpressure policies. Neither ever drops an accepted event.
const (
	// BackpressureReject: Record returns ErrPushback at once.
	BackpressureReject Backpressure = "reject"
	// BackpressureAlarm: Record raises the alarm (metric and log) and
	// waits up to AlarmWait for room, so requests keep being served,
	// slower; if the store is still stuck it returns ErrPushback.
	BackpressureAlarm Backpressure = "alarm"
)

// PayloadMode says which payload bytes are kept (always encrypted).
type PayloadMode string

// Payload modes.
const (
	PayloadsOff      PayloadMode = "off"
	PayloadsRedacted PayloadMode = "redacted"
	PayloadsFull     PayloadMode = "full"
)

// Options configures a Log. Store and Signer are required.
type Options struct {
	Store  store.Store
	Signer note.Signer
	// Origin is the checkpoint origin line (default "bulwark/audit").
	Origin string

	Mode          Mode          // default ModeSync
	BatchInterval time.Duration // batch-mode commit interval (default 50ms)
	MaxBatch      int           // events per transaction (default 4096)
	QueueSize     int           // queued, uncommitted events (default 16384)
	Backpressure  Backpressure  // default BackpressureReject
	AlarmWait     time.Duration // alarm-mode wait for room (default 2s)

	Payloads       PayloadMode // default PayloadsOff
	MasterKey      []byte      // required unless Payloads is off
	PerEndUserKeys bool        // one data key per (tenant, end user)

	// Retention erases payloads older than this (0 keeps them).
	Retention time.Duration
	// CheckpointInterval signs a checkpoint this often when the tree grew
	// (default 10s; negative disables periodic checkpoints).
	CheckpointInterval time.Duration

	Logger  *slog.Logger // default slog.Default()
	Metrics *Metrics     // optional
	// Now is the clock (default time.Now).
	Now func() time.Time
}

func (o *Options) defaults() error {
	if o.Store == nil || o.Signer == nil {
		return errors.New("audit: Options.Store and Options.Signer are required")
	}
	if o.Origin == "" {
		o.Origin = "bulwark/audit"
	}
	if o.Mode == "" {
		o.Mode = ModeSync
	}
	if o.Mode != ModeSync && o.Mode != ModeBatch {
		return fmt.Errorf("audit: unknown mode %q", o.Mode)
	}
	if o.BatchInterval <= 0 {
		o.BatchInterval = 50 * time.Millisecond
	}
	if o.MaxBatch <= 0 {
		o.MaxBatch = 4096
	}
	if o.QueueSize <= 0 {
		o.QueueSize = 16384
	}
	if o.Backpressure == "" {
		o.Backpressure = BackpressureReject
	}
	if o.Backpressure != BackpressureReject && o.Backpressure != BackpressureAlarm {
		return fmt.Errorf("audit: unknown backpressure %q", o.Backpressure)
	}
	if o.AlarmWait <= 0 {
		o.AlarmWait = 2 * time.Second
	}
	if o.Payloads == "" {
		o.Payloads = PayloadsOff
	}
	switch o.Payloads {
	case PayloadsOff, PayloadsRedacted, PayloadsFull:
	default:
		return fmt.Errorf("audit: unknown payload mode %q", o.Payloads)
	}
	if o.Payloads != PayloadsOff && len(o.MasterKey) != MasterKeySize {
		return errors.New("audit: payload capture needs a 32-byte master key")
	}
	if o.CheckpointInterval == 0 {
		o.CheckpointInterval = 10 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return nil
}

// item is one accepted, not yet committed event. The leaf is encoded by
// Record (in the caller's goroutine) around a placeholder index, so the
// single committer only splices the index in, hashes and stores.
type item struct {
	prefix, suffix []byte      // canonical leaf = prefix + index + suffix
	entry          store.Entry // query columns; Index, Leaf, LeafHash set at commit
	payloads       []store.Payload
	done           chan error // sync mode only
}

// indexMark is the placeholder index used while pre-encoding a leaf. Inside
// a JSON string a quote is escaped, so `,"index":<mark>,` can only match
// the index member itself.
const indexMark = uint64(1<<64 - 1)

var indexMarkBytes = []byte(`,"index":18446744073709551615,`)

// splitLeaf encodes l with the placeholder index and splits it there.
func splitLeaf(l *Leaf) (prefix, suffix []byte, err error) {
	l.Index = indexMark
	b, err := EncodeLeaf(l)
	if err != nil {
		return nil, nil, err
	}
	i := bytes.Index(b, indexMarkBytes)
	if i < 0 {
		return nil, nil, errors.New("audit: leaf encoding lost its index")
	}
	head := len(`,"index":`)
	return b[:i+head], b[i+len(indexMarkBytes)-1:], nil
}

// Log is the append-only, tamper-evident audit log: events become leaves of
// an RFC 6962 Merkle tree stored in a store.Store, with signed checkpoints.
// It is safe for concurrent use.
type Log struct {
	o    Options
	st   store.Store
	keys *keyring // nil when payloads are off
	m    *Metrics

	queue chan *item
	stop  chan struct{}
	done  chan struct{}
	bg    sync.WaitGroup

	closeMu sync.RWMutex // held (R) while enqueuing, (W) by Close
	closed  bool

	// committer-owned
	rng *compact.Range

	mu   sync.Mutex // guards size, root
	size uint64
	root []byte

	cpMu      sync.Mutex // serializes checkpoint creation
	lastAlarm atomic.Int64
	// ownStore says Close closes the store.
	ownStore bool
}

var hasher = rfc6962.DefaultHasher

func rangeFactory() *compact.RangeFactory {
	return &compact.RangeFactory{Hash: hasher.HashChildren}
}

// New opens the log over o.Store, restoring the tree state from the store,
// signs a checkpoint for what is already there, and starts the committer.
// Close stops it.
func New(ctx context.Context, o Options) (*Log, error) {
	if err := o.defaults(); err != nil {
		return nil, err
	}
	l := &Log{
		o: o, st: o.Store, m: o.Metrics,
		queue: make(chan *item, o.QueueSize),
		stop:  make(chan struct{}),
		done:  make(chan struct{}),
	}
	if o.Payloads != PayloadsOff {
		k, err := newKeyring(o.MasterKey, o.Store, o.PerEndUserKeys)
		if err != nil {
			return nil, err
		}
		l.keys = k
	}
	if err := l.resync(ctx); err != nil {
		return nil, err
	}
	if err := l.checkLatest(ctx); err != nil {
		return nil, err
	}
	if _, err := l.Checkpoint(ctx); err != nil {
		return nil, err
	}
	l.bg.Add(1)
	go l.run()
	if o.Retention > 0 {
		l.bg.Add(1)
		go l.retain()
	}
	return l, nil
}

// ErrInconsistent is returned by New when the stored tree does not extend
// the latest stored checkpoint (entries removed or rewritten while the log
// was down). The log refuses to sign new checkpoints over such a store; run
// `bulwark audit verify` to see what changed.
var ErrInconsistent = errors.New("audit: store does not match its latest checkpoint")

// checkLatest checks, from the stored nodes (O(log n) reads), that the tree
// still has the root of the latest checkpoint at its size.
func (l *Log) checkLatest(ctx context.Context) error {
	cp, err := l.st.LatestCheckpoint(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	size, _ := l.Head()
	if cp.Size > size {
		return fmt.Errorf("%w: the latest checkpoint covers %d entries, the store holds %d", ErrInconsistent, cp.Size, size)
	}
	hashes, err := l.st.Nodes(ctx, toStoreIDs(compact.RangeNodes(0, cp.Size, nil)))
	if err != nil {
		return fmt.Errorf("%w: %v", ErrInconsistent, err)
	}
	rng, err := rangeFactory().NewRange(0, cp.Size, hashes)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrInconsistent, err)
	}
	root, err := rootOf(rng)
	if err != nil {
		return err
	}
	if !bytes.Equal(root, cp.Root) {
		return fmt.Errorf("%w: the tree root at size %d differs from the checkpoint's", ErrInconsistent, cp.Size)
	}
	return nil
}

// resync rebuilds the compact range from the store.
func (l *Log) resync(ctx context.Context) error {
	size, err := l.st.Size(ctx)
	if err != nil {
		return err
	}
	ids := compact.RangeNodes(0, size, nil)
	hashes, err := l.st.Nodes(ctx, toStoreIDs(ids))
	if err != nil {
		return fmt.Errorf("audit: load tree state: %w", err)
	}
	rng, err := rangeFactory().NewRange(0, size, hashes)
	if err != nil {
		return fmt.Errorf("audit: load tree state: %w", err)
	}
	root, err := rootOf(rng)
	if err != nil {
		return err
	}
	l.rng = rng
	l.setHead(size, root)
	return nil
}

func rootOf(r *compact.Range) ([]byte, error) {
	if r.End() == 0 {
		return hasher.EmptyRoot(), nil
	}
	return r.GetRootHash(nil)
}

func toStoreIDs(ids []compact.NodeID) []store.NodeID {
	out := make([]store.NodeID, len(ids))
	for i, id := range ids {
		out[i] = store.NodeID{Level: uint8(id.Level), Index: id.Index}
	}
	return out
}

func (l *Log) setHead(size uint64, root []byte) {
	l.mu.Lock()
	l.size, l.root = size, root
	l.mu.Unlock()
	l.m.treeSize(size)
}

// Head returns the committed tree size and root hash.
func (l *Log) Head() (uint64, []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.size, l.root
}

// Origin returns the checkpoint origin.
func (l *Log) Origin() string { return l.o.Origin }

// Mode returns the durability mode.
func (l *Log) Mode() Mode { return l.o.Mode }

// PayloadMode returns which payloads the log keeps, so callers can skip
// building payloads it would drop.
func (l *Log) PayloadMode() PayloadMode { return l.o.Payloads }

// Store returns the underlying store (for queries and proofs).
func (l *Log) Store() store.Store { return l.st }

// Record appends ev. In sync mode it returns nil only once the event is
// durable; in batch mode once it is queued for the next group commit. It
// returns ErrPushback when the log is overloaded (see Backpressure) and
// ErrClosed after Close; any error means the event was not (or may not have
// been) recorded and the caller must fail closed. ev is not retained.
func (l *Log) Record(ctx context.Context, ev *Event) error {
	if ev == nil || ev.Kind == "" {
		return errors.New("audit: event without kind")
	}
	start := time.Now()
	defer func() { l.m.recorded(time.Since(start)) }()
	it, err := l.prepare(ctx, ev)
	if err != nil {
		return err
	}
	if l.o.Mode == ModeSync {
		it.done = make(chan error, 1)
	}
	if err := l.enqueue(ctx, it); err != nil {
		return err
	}
	if it.done == nil {
		return nil
	}
	select {
	case err := <-it.done:
		return err
	case <-ctx.Done():
		return fmt.Errorf("audit: waiting for commit: %w", ctx.Err())
	}
}

func (l *Log) enqueue(ctx context.Context, it *item) error {
	l.closeMu.RLock()
	defer l.closeMu.RUnlock()
	if l.closed {
		return ErrClosed
	}
	select {
	case l.queue <- it:
		l.m.queued(len(l.queue))
		return nil
	default:
	}
	l.m.pushbackInc(l.o.Backpressure)
	if l.o.Backpressure == BackpressureReject {
		return ErrPushback
	}
	if now := time.Now().UnixNano(); now-l.lastAlarm.Load() > int64(10*time.Second) {
		l.lastAlarm.Store(now) // at most one alarm line per 10s; the metric counts every one
		l.o.Logger.Warn("audit queue full: requests are waiting for the audit store", "queue_size", l.o.QueueSize, "wait", l.o.AlarmWait)
	}
	t := time.NewTimer(l.o.AlarmWait)
	defer t.Stop()
	select {
	case l.queue <- it:
		return nil
	case <-t.C:
		l.o.Logger.Error("audit store cannot keep up: failing requests", "queue_size", l.o.QueueSize)
		return ErrPushback
	case <-ctx.Done():
		return fmt.Errorf("audit: waiting for queue room: %w", ctx.Err())
	}
}

// prepare copies ev into a leaf (without index) and seals its payloads.
func (l *Log) prepare(ctx context.Context, ev *Event) (*item, error) {
	e := *ev
	if e.ID == "" {
		e.ID = randomID("ev_")
	}
	if e.Time.IsZero() {
		e.Time = l.o.Now()
	}
	e.Tools = slices.Clone(e.Tools)
	e.Details = maps.Clone(e.Details)
	tenant := e.Tenant
	if tenant == "" {
		tenant = e.App
	}
	it := &item{}
	var refs []PayloadRef
	if l.keys != nil {
		req, resp := e.RequestPayload, e.ResponsePayload
		if l.o.Payloads == PayloadsRedacted {
			req, resp = e.RedactedRequest, e.RedactedResponse
		}
		for _, p := range []struct {
			part string
			b    []byte
		}{{PartRequest, req}, {PartResponse, resp}} {
			if len(p.b) == 0 {
				continue
			}
			keyID, a, err := l.keys.dataKey(ctx, tenant, e.EndUser)
			if err != nil {
				return nil, fmt.Errorf("audit: data key: %w", err)
			}
			ct := seal(a, p.b, payloadAD(e.ID, p.part))
			sum := sha256.Sum256(ct)
			refs = append(refs, PayloadRef{Alg: "AES-256-GCM", KeyID: keyID, Part: p.part, SHA256: hex.EncodeToString(sum[:]), Size: len(ct)})
			it.payloads = append(it.payloads, store.Payload{Part: p.part, KeyID: keyID, Ciphertext: ct})
		}
	}
	leaf := leafFromEvent(&e, 0, tenant, refs)
	var err error
	if it.prefix, it.suffix, err = splitLeaf(leaf); err != nil {
		return nil, err
	}
	it.entry = entryFor(leaf, 0, nil, nil, e.Time.UTC())
	return it, nil
}

// run is the committer: it owns rng and commits batches until stop.
func (l *Log) run() {
	defer l.bg.Done()
	defer close(l.done)
	var cpTick <-chan time.Time
	if l.o.CheckpointInterval > 0 {
		t := time.NewTicker(l.o.CheckpointInterval)
		defer t.Stop()
		cpTick = t.C
	}
	batch := make([]*item, 0, l.o.MaxBatch)
	for {
		batch = batch[:0]
		select {
		case it := <-l.queue:
			batch = append(batch, it)
		case <-cpTick:
			l.periodicCheckpoint()
			continue
		case <-l.stop:
			l.drain(batch)
			return
		}
		if l.o.Mode == ModeBatch {
			batch = l.fillUntil(batch, time.After(l.o.BatchInterval))
		} else {
			batch = l.fillNow(batch)
		}
		l.commit(batch)
	}
}

// fillNow takes whatever is queued right now (sync mode: the events that
// arrived while the previous commit ran share this one).
func (l *Log) fillNow(batch []*item) []*item {
	for len(batch) < l.o.MaxBatch {
		select {
		case it := <-l.queue:
			batch = append(batch, it)
		default:
			return batch
		}
	}
	return batch
}

// fillUntil collects events until the deadline or a full batch.
func (l *Log) fillUntil(batch []*item, deadline <-chan time.Time) []*item {
	for len(batch) < l.o.MaxBatch {
		select {
		case it := <-l.queue:
			batch = append(batch, it)
		case <-deadline:
			return batch
		case <-l.stop:
			return batch
		}
	}
	return batch
}

// drain commits everything still queued at shutdown.
func (l *Log) drain(batch []*item) {
	for {
		batch = l.fillNow(batch[:0])
		if len(batch) == 0 {
			return
		}
		l.commit(batch)
	}
}

// commit makes batch durable. In batch mode a failed commit is retried
// (the events were acknowledged) until it succeeds or the log closes; in
// sync mode the waiting Records get the error.
func (l *Log) commit(batch []*item) {
	for attempt := 0; ; attempt++ {
		err := l.commitOnce(batch)
		if err == nil {
			for _, it := range batch {
				if it.done != nil {
					it.done <- nil
				}
			}
			return
		}
		l.m.commitError()
		l.o.Logger.Error("audit commit failed", "events", len(batch), "attempt", attempt+1, "err", err)
		if rerr := l.resync(context.Background()); rerr != nil {
			l.o.Logger.Error("audit resync failed", "err", rerr)
		}
		if l.o.Mode == ModeSync {
			for _, it := range batch {
				it.done <- fmt.Errorf("audit: commit: %w", err)
			}
			return
		}
		select {
		case <-l.stop:
			if attempt >= 3 {
				l.o.Logger.Error("audit: giving up on acknowledged events at shutdown", "events", len(batch))
				return
			}
		case <-time.After(backoff(attempt)):
		}
	}
}

func backoff(attempt int) time.Duration {
	d := 10 * time.Millisecond << min(attempt, 8)
	return min(d, 2*time.Second)
}

func (l *Log) commitOnce(batch []*item) error {
	start := time.Now()
	base := l.rng.End()
	var b store.Batch
	b.Entries = make([]store.Entry, 0, len(batch))
	visit := func(id compact.NodeID, h []byte) {
		if id.Level > 0 {
			b.Nodes = append(b.Nodes, store.Node{ID: store.NodeID{Level: uint8(id.Level), Index: id.Index}, Hash: h})
		}
	}
	// Work on a copy so a failed commit leaves rng untouched.
	rng, err := rangeFactory().NewRange(0, base, slices.Clone(l.rng.Hashes()))
	if err != nil {
		return err
	}
	for i, it := range batch {
		idx := base + uint64(i)
		leaf := make([]byte, 0, len(it.prefix)+20+len(it.suffix))
		leaf = append(strconv.AppendUint(append(leaf, it.prefix...), idx, 10), it.suffix...)
		lh := hasher.HashLeaf(leaf)
		if err := rng.Append(lh, visit); err != nil {
			return err
		}
		e := it.entry
		e.Index, e.Leaf, e.LeafHash = idx, leaf, lh
		b.Entries = append(b.Entries, e)
		for _, p := range it.payloads {
			p.Index = idx
			b.Payloads = append(b.Payloads, p)
		}
	}
	if err := l.st.Append(context.Background(), b); err != nil {
		return err
	}
	root, err := rootOf(rng)
	if err != nil {
		return err
	}
	l.rng = rng
	l.setHead(rng.End(), root)
	l.m.committed(len(batch), time.Since(start))
	return nil
}

func entryFor(l *Leaf, idx uint64, leaf, lh []byte, t time.Time) store.Entry {
	return store.Entry{
		Index: idx, Leaf: leaf, LeafHash: lh, Time: t, Kind: l.Kind, App: l.App, KeyID: l.KeyID,
		Tenant: l.Tenant, EndUser: l.EndUser, Decision: l.Decision, FindingTypes: l.FindingTypes(),
	}
}

func (l *Log) periodicCheckpoint() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := l.Checkpoint(ctx); err != nil {
		l.o.Logger.Error("audit checkpoint failed", "err", err)
	}
}

// Checkpoint signs and stores a checkpoint for the committed tree, unless
// one for this size exists already, and returns the signed note.
func (l *Log) Checkpoint(ctx context.Context) ([]byte, error) {
	l.cpMu.Lock()
	defer l.cpMu.Unlock()
	size, root := l.Head()
	if c, err := l.st.CheckpointAt(ctx, size); err == nil {
		return c.Note, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	msg, err := SignCheckpoint(Checkpoint{Origin: l.o.Origin, Size: size, Root: root}, l.o.Signer)
	if err != nil {
		return nil, err
	}
	if err := l.st.AddCheckpoint(ctx, store.Checkpoint{Size: size, Root: root, Note: msg, Time: l.o.Now().UTC()}); err != nil {
		return nil, err
	}
	return msg, nil
}

// retain erases expired payloads hourly.
func (l *Log) retain() {
	defer l.bg.Done()
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		n, err := l.st.Erase(ctx, store.Erasure{Before: l.o.Now().Add(-l.o.Retention)})
		cancel()
		if err != nil {
			l.o.Logger.Error("audit retention failed", "err", err)
		} else if n.Payloads > 0 {
			l.o.Logger.Info("audit retention erased payloads", "payloads", n.Payloads)
		}
		select {
		case <-t.C:
		case <-l.stop:
			return
		}
	}
}

// Close stops accepting events, commits everything queued, signs a final
// checkpoint and, if the log owns it, closes the store. ctx bounds the wait.
func (l *Log) Close(ctx context.Context) error {
	l.closeMu.Lock()
	if l.closed {
		l.closeMu.Unlock()
		return nil
	}
	l.closed = true
	l.closeMu.Unlock()
	close(l.stop)
	waited := make(chan struct{})
	go func() { l.bg.Wait(); close(waited) }()
	select {
	case <-waited:
	case <-ctx.Done():
		return fmt.Errorf("audit: close: %w", ctx.Err())
	}
	_, err := l.Checkpoint(ctx)
	if l.ownStore {
		err = errors.Join(err, l.st.Close())
	}
	return err
}
