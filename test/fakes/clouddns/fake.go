package clouddnsfake

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	dns "google.golang.org/api/dns/v1"
	"google.golang.org/api/option"
)

// DefaultProject is the project a fake serves when Options.Project is empty.
const DefaultProject = "meridian-test"

// Options configure a fake. The zero value serves DefaultProject on a free loopback port with the
// real service's documented limits.
type Options struct {
	Project string
	// Addr is the listen address; empty means 127.0.0.1 on a free port.
	Addr string
	// ChangeDelay is how long a change reports status "pending" before "done". The records
	// themselves change at once, as in the real service, where "done" only means the update was
	// sent to the authoritative servers.
	ChangeDelay time.Duration
	// PageSize is the page length of list calls that give no maxResults (default 100);
	// MaxPageSize caps maxResults (default 1000).
	PageSize, MaxPageSize int
	Limits                Limits
	// Rate and Burst configure the token bucket (requests per second); Rate 0 disables it.
	Rate  float64
	Burst int
	// Seed seeds the random choices of SetFailureRate and SetThrottleRate, for repeatable runs.
	Seed int64
	// Now is the clock for change status, the token bucket and the call log (default time.Now).
	Now func() time.Time
	// Observe, if set, is called after every call with its log entry (the binary prints them).
	Observe func(Call)
}

// Limits are the per-change and per-zone limits. Zero fields take the values that
// https://cloud.google.com/dns/quotas documents: 1,000 additions and 1,000 deletions per change,
// 100,000 bytes of rrdata per change, 100 records per rrset, 10,000 rrsets per zone.
type Limits struct {
	AdditionsPerChange   int
	DeletionsPerChange   int
	RrdataBytesPerChange int
	RecordsPerRrset      int
	RrsetsPerZone        int
}

func (l Limits) withDefaults() Limits {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&l.AdditionsPerChange, 1000)
	def(&l.DeletionsPerChange, 1000)
	def(&l.RrdataBytesPerChange, 100_000)
	def(&l.RecordsPerRrset, 100)
	def(&l.RrsetsPerZone, 10_000)
	return l
}

// Fake is a running Cloud DNS fake. All methods are safe for concurrent use.
type Fake struct {
	// URL is the server's base URL, "http://127.0.0.1:port", without a trailing slash.
	URL string

	project string
	opts    Options
	now     func() time.Time
	srv     *http.Server
	done    chan struct{}

	mu     sync.Mutex
	zones  map[string]*zone // by zone name
	lastID uint64           // last managed zone id handed out
	faults faults
	log    callLog
}

// New starts a fake and panics if it cannot listen, like httptest.NewServer.
func New(opts Options) *Fake {
	f, err := Start(opts)
	if err != nil {
		panic(fmt.Sprintf("clouddnsfake: %v", err))
	}
	return f
}

// Start starts a fake, returning an error if it cannot listen on opts.Addr.
func Start(opts Options) (*Fake, error) {
	if opts.Project == "" {
		opts.Project = DefaultProject
	}
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:0"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	opts.Limits = opts.Limits.withDefaults()
	if opts.PageSize <= 0 {
		opts.PageSize = 100
	}
	if opts.MaxPageSize <= 0 {
		opts.MaxPageSize = 1000
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return nil, fmt.Errorf("listening on %s: %w", opts.Addr, err)
	}
	f := &Fake{
		URL:     "http://" + ln.Addr().String(),
		project: opts.Project,
		opts:    opts,
		now:     opts.Now,
		zones:   map[string]*zone{},
		lastID:  4_000_000_000_000_000_000,
		faults:  newFaults(opts.Seed, opts.Rate, opts.Burst, opts.Now),
		done:    make(chan struct{}),
	}
	f.srv = &http.Server{Handler: f.routes(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		defer close(f.done)
		_ = f.srv.Serve(ln) // returns http.ErrServerClosed on Close
	}()
	return f, nil
}

// Close stops the server and waits for it.
func (f *Fake) Close() {
	_ = f.srv.Close()
	<-f.done
}

// Project is the project the fake serves; calls naming another get 403 forbidden.
func (f *Fake) Project() string { return f.project }

// Endpoint is the value for option.WithEndpoint: the URL with a trailing slash, to which the
// generated client appends "dns/v1/projects/...".
func (f *Fake) Endpoint() string { return f.URL + "/" }

// Service returns a client of the real generated API pointed at the fake.
func (f *Fake) Service(ctx context.Context, opts ...option.ClientOption) (*dns.Service, error) {
	base := []option.ClientOption{option.WithEndpoint(f.Endpoint()), option.WithoutAuthentication()}
	return dns.NewService(ctx, append(base, opts...)...)
}

// CreateZone adds a public managed zone holding the SOA and NS rrsets the real service creates
// with every zone. name follows the documented ManagedZone.name rules (1-63 characters, a
// lowercase letter first, lowercase letters, digits or dashes, no dash last).
func (f *Fake) CreateZone(name, dnsName string) error {
	if !validZoneName(name) {
		return fmt.Errorf("invalid managed zone name %q", name)
	}
	fqdn, ok := canonicalZoneName(dnsName)
	if !ok {
		return fmt.Errorf("invalid zone DNS name %q", dnsName)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, dup := f.zones[name]; dup {
		return fmt.Errorf("managed zone %q already exists", name)
	}
	f.lastID++
	f.zones[name] = newZone(name, fqdn, f.lastID, f.now())
	return nil
}

// ErrNoZone is returned by the test API for a zone that was never created.
var ErrNoZone = errors.New("no such managed zone")

// Seed writes rrsets into a zone as someone else would, bypassing the API, the faults and the
// call log. A seeded rrset replaces any rrset of the same name and type. Each rrset must still
// be one the real API would accept; the whole call is rejected otherwise.
func (f *Fake) Seed(zoneName string, rrsets ...*dns.ResourceRecordSet) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	z, ok := f.zones[zoneName]
	if !ok {
		return fmt.Errorf("seeding %q: %w", zoneName, ErrNoZone)
	}
	ch := &dns.Change{}
	for _, rr := range rrsets {
		if old, exists := z.rrsets[keyOf(rr)]; exists {
			ch.Deletions = append(ch.Deletions, old)
		}
		ch.Additions = append(ch.Additions, rr)
	}
	if _, apiErr := f.applyLocked(z, ch, true); apiErr != nil {
		return fmt.Errorf("seeding %q: %s", zoneName, apiErr.items[0].Message)
	}
	return nil
}

// Remove deletes one rrset as someone else would, bypassing the API. It reports whether the
// rrset existed.
func (f *Fake) Remove(zoneName, name, typ string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	z, ok := f.zones[zoneName]
	if !ok {
		return false
	}
	k := rrKey{name: lowerName(name), typ: typ}
	if _, existed := z.rrsets[k]; !existed {
		return false
	}
	delete(z.rrsets, k)
	z.sorted = nil
	return true
}

// RecordSets returns deep copies of a zone's rrsets, sorted by name then type, as the client
// structs decode them but without the server-stamped "kind" fields, so they compare equal
// (reflect.DeepEqual or JSON) to the rrsets a caller sent. It returns nil for an unknown zone.
func (f *Fake) RecordSets(zoneName string) []*dns.ResourceRecordSet {
	f.mu.Lock()
	defer f.mu.Unlock()
	z, ok := f.zones[zoneName]
	if !ok {
		return nil
	}
	out := make([]*dns.ResourceRecordSet, 0, len(z.rrsets))
	for _, k := range z.sortedKeys() {
		out = append(out, cloneRRSet(z.rrsets[k]))
	}
	return out
}

// SetChangeDelay changes how long later changes stay "pending".
func (f *Fake) SetChangeDelay(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.opts.ChangeDelay = d
}
