package health

import "testing"

// results are written as strings, one letter per probe: s = success, f = failure; states as
// U (unknown), P (passing), F (failing), the state after each result.
func TestDebouncer(t *testing.T) {
	cases := []struct {
		name       string
		thresholds Thresholds
		results    string
		want       string
	}{
		{"nothing observed yet", Thresholds{}, "", ""},
		{"first success decides at once", Thresholds{}, "s", "P"},
		{"first failure decides at once", Thresholds{}, "f", "F"},
		{"first failure decides even with a high threshold", Thresholds{Failure: 5}, "f", "F"},
		{"default failure threshold is 3", Thresholds{}, "sfff", "PPPF"},
		{"two failures are not enough by default", Thresholds{}, "sff", "PPP"},
		{"default success threshold is 1", Thresholds{}, "fs", "FP"},
		{"failures then recovery by default", Thresholds{}, "sfffs", "PPPFP"},
		{"flapping below the failure threshold stays passing", Thresholds{}, "sffsffsffs", "PPPPPPPPPP"},
		{"a success resets the failure run", Thresholds{Failure: 2}, "sfsfsff", "PPPPPPF"},
		{"success threshold 2", Thresholds{Failure: 3, Success: 2}, "fss", "FFP"},
		{"a failure resets the success run", Thresholds{Failure: 3, Success: 2}, "fsfssf", "FFFFPP"},
		{"flapping below the success threshold stays failing", Thresholds{Success: 2}, "fsfsfsf", "FFFFFFF"},
		{"threshold 1 both ways follows every result", Thresholds{Failure: 1, Success: 1}, "sfsfs", "PFPFP"},
		{"zero thresholds mean the defaults", Thresholds{Failure: 0, Success: 0}, "sfffs", "PPPFP"},
		{"negative thresholds mean the defaults", Thresholds{Failure: -1, Success: -4}, "sfffs", "PPPFP"},
		{"long outage changes once", Thresholds{}, "sffffffff", "PPPFFFFFF"},
		{"long run of successes changes once", Thresholds{}, "sssss", "PPPPP"},
		{"failure threshold 5 then success threshold 3", Thresholds{Failure: 5, Success: 3}, "sfffffsssf", "PPPPPFFFPP"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := NewDebouncer(tc.thresholds)
			if d.State() != ProbeUnknown {
				t.Fatalf("initial state %v, want Unknown", d.State())
			}
			prev := ProbeUnknown
			got := ""
			for i, r := range tc.results {
				state, changed := d.Observe(r == 's')
				if changed != (state != prev) {
					t.Errorf("result %d: changed = %v, but state went %v → %v", i, changed, prev, state)
				}
				if d.State() != state {
					t.Errorf("result %d: State() = %v, Observe returned %v", i, d.State(), state)
				}
				prev = state
				got += state.String()[:1]
			}
			if got != tc.want {
				t.Errorf("states %q, want %q", got, tc.want)
			}
		})
	}
}

func TestDebouncerZeroValue(t *testing.T) {
	var d Debouncer
	for i, want := range []ProbeState{ProbePassing, ProbePassing, ProbePassing, ProbeFailing} {
		if got, _ := d.Observe(i == 0); got != want {
			t.Fatalf("result %d: %v, want %v", i, got, want)
		}
	}
}

func TestProbeStateString(t *testing.T) {
	for s, want := range map[ProbeState]string{ProbeUnknown: "Unknown", ProbePassing: "Passing", ProbeFailing: "Failing", 42: "Unknown"} {
		if s.String() != want {
			t.Errorf("%d.String() = %q, want %q", int(s), s.String(), want)
		}
	}
}
