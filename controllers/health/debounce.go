package health

// ProbeState is the debounced outcome of one target's active probes.
type ProbeState int

const (
	// ProbeUnknown means no probe has completed yet. Verdict treats it as passing (see Verdict).
	ProbeUnknown ProbeState = iota
	ProbePassing
	ProbeFailing
)

func (s ProbeState) String() string {
	switch s {
	case ProbePassing:
		return "Passing"
	case ProbeFailing:
		return "Failing"
	default:
		return "Unknown"
	}
}

// Kubernetes' probe defaults (failureThreshold 3, successThreshold 1), so a healthCheck block
// behaves as users of readiness probes expect.
const (
	DefaultFailureThreshold = 3
	DefaultSuccessThreshold = 1
)

// Thresholds are the numbers of consecutive results needed to change a debounced state.
// Zero (or negative) values mean the defaults.
type Thresholds struct {
	Failure int // failures in a row that turn a passing target failing
	Success int // successes in a row that turn a failing target passing
}

func (t Thresholds) withDefaults() Thresholds {
	if t.Failure <= 0 {
		t.Failure = DefaultFailureThreshold
	}
	if t.Success <= 0 {
		t.Success = DefaultSuccessThreshold
	}
	return t
}

// Debouncer turns probe results into a state that changes only after Thresholds results in a row
// disagree with it. The zero value is ready to use with the default thresholds.
//
// The first result decides the starting state at once: a newly probed target gets a verdict after
// one probe rather than after failureThreshold × interval, and a target that is down from the
// start is not counted as passing for several periods. (Kubernetes starts readiness at failing
// instead; that suits pods that are expected to start slowly, not load balancers that already
// have addresses.) The cluster package debounces member health the same way.
type Debouncer struct {
	Thresholds Thresholds
	state      ProbeState
	contrary   int // results in a row that disagree with state
}

// NewDebouncer returns a Debouncer with the given thresholds.
func NewDebouncer(t Thresholds) *Debouncer { return &Debouncer{Thresholds: t} }

// State is the current debounced state.
func (d *Debouncer) State() ProbeState { return d.state }

// Observe records one probe result and returns the state after it and whether that changed.
func (d *Debouncer) Observe(ok bool) (ProbeState, bool) {
	result := ProbeFailing
	if ok {
		result = ProbePassing
	}
	switch {
	case d.state == ProbeUnknown:
		d.state, d.contrary = result, 0
		return d.state, true
	case result == d.state:
		d.contrary = 0
		return d.state, false
	}
	d.contrary++
	if d.contrary < d.threshold(ok) {
		return d.state, false
	}
	d.state, d.contrary = result, 0
	return d.state, true
}

func (d *Debouncer) threshold(ok bool) int {
	t := d.Thresholds.withDefaults()
	if ok {
		return t.Success
	}
	return t.Failure
}
