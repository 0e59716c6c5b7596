package deliverytest

import (
	"bytes"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"time"
)

// Fault kinds Flaky injects.
const (
	FaultUnavailable = "503-retry-after" // 503 with Retry-After, request not processed
	FaultThrottled   = "429-retry-after" // 429 with Retry-After, request not processed
	FaultReset       = "reset"           // connection reset before processing
	FaultServerError = "500"             // 500 with a problem body, not processed
	FaultMalformed   = "malformed"       // processed, answered with the right status but a garbled body
	FaultDrop        = "drop"            // processed, then the connection is closed without an answer
	FaultSlow        = "slow"            // answered only after Slow (processed; the client may have given up)
)

// AllFaults lists every kind.
var AllFaults = []string{FaultUnavailable, FaultThrottled, FaultReset, FaultServerError, FaultMalformed, FaultDrop, FaultSlow}

// Flaky wraps a handler and lets a share of the requests fail. Decisions
// come from a random source seeded with Seed, so a test that sends its
// requests in the same order sees the same faults.
type Flaky struct {
	Next http.Handler
	// Rate is the share of requests that fail (0.3 = 30 %).
	Rate float64
	// Slow is how long a slow answer takes (default 300 ms).
	Slow time.Duration
	// Kinds limits the faults (default AllFaults).
	Kinds []string
	// Only, when set, picks the requests that may fail.
	Only func(*http.Request) bool

	once   sync.Once
	mu     sync.Mutex
	rng    *rand.Rand
	seed   uint64
	counts map[string]int
	total  int
}

// NewFlaky returns a Flaky with the given seed and rate.
func NewFlaky(next http.Handler, seed uint64, rate float64) *Flaky {
	return &Flaky{Next: next, Rate: rate, seed: seed}
}

func (f *Flaky) init() {
	f.once.Do(func() {
		f.rng = rand.New(rand.NewPCG(f.seed, f.seed^0x9e3779b97f4a7c15))
		f.counts = map[string]int{}
		if len(f.Kinds) == 0 {
			f.Kinds = AllFaults
		}
		if f.Slow <= 0 {
			f.Slow = 300 * time.Millisecond
		}
	})
}

// SetRate changes the share of failing requests (0 stops the faults).
func (f *Flaky) SetRate(r float64) {
	f.init()
	f.mu.Lock()
	f.Rate = r
	f.mu.Unlock()
}

// Counts returns how often each fault was injected, and the number of
// requests seen.
func (f *Flaky) Counts() (map[string]int, int) {
	f.init()
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make(map[string]int, len(f.counts))
	for k, v := range f.counts {
		out[k] = v
	}
	return out, f.total
}

func (f *Flaky) decide(r *http.Request) string {
	f.init()
	f.mu.Lock()
	defer f.mu.Unlock()
	f.total++
	if f.Only != nil && !f.Only(r) {
		return ""
	}
	if f.rng.Float64() >= f.Rate {
		return ""
	}
	k := f.Kinds[f.rng.IntN(len(f.Kinds))]
	f.counts[k]++
	return k
}

func (f *Flaky) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch f.decide(r) {
	case "":
		f.Next.ServeHTTP(w, r)
	case FaultUnavailable:
		w.Header().Set("Retry-After", "1")
		http.Error(w, "Wartungsarbeiten", http.StatusServiceUnavailable)
	case FaultThrottled:
		w.Header().Set("Retry-After", "2")
		http.Error(w, "zu viele Anfragen", http.StatusTooManyRequests)
	case FaultServerError:
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte(`{"type":"about:blank","title":"Internal Server Error","status":500}`))
	case FaultReset:
		reset(w)
	case FaultMalformed:
		rec := httptest.NewRecorder()
		f.Next.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		body := rec.Body.Bytes()
		if len(body) > 0 {
			w.Write(append([]byte("\x00<garbled>"), body[:len(body)/2]...))
		}
	case FaultDrop:
		rec := httptest.NewRecorder()
		f.Next.ServeHTTP(rec, r)
		reset(w)
	case FaultSlow:
		rec := httptest.NewRecorder()
		f.Next.ServeHTTP(rec, r)
		select {
		case <-time.After(f.Slow):
		case <-r.Context().Done():
			return
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Length", strconv.Itoa(rec.Body.Len()))
		w.WriteHeader(rec.Code)
		w.Write(bytes.Clone(rec.Body.Bytes()))
	}
}

// reset closes the connection without an answer, with linger 0 so that
// the client sees a reset.
func reset(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	conn.Close()
}
