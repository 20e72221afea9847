package scheduling

// keep turns the ideal layout in slots[].assigned into one that moves no running replica, for
// Rebalance off. Each cluster keeps its current count, within its bounds: a lowered maxReplicas
// still takes replicas away and a raised minReplicas still adds them, as far as the ideal layout
// honours that minimum (it may not, when the minimums exceed the total). Then only the difference
// to the total changes hands:
//   - a scale-up fills clusters below their ideal share, by weight, up to it: new replicas go
//     where they are most missing, so the layout drifts towards the preferences over time;
//   - a scale-down takes from clusters above their ideal share, down to it, the last cluster in
//     planning order (lowest weight, then name) first.
//
// Fed its own output back as current, with no unschedulable pods, keep returns it unchanged, so
// a steady state stays put.
func keep(slots []slot, current map[string]int64, total int64) {
	var sum int64
	for i := range slots {
		s := &slots[i]
		s.ideal = s.assigned
		floor := min(s.min, s.ideal)
		s.assigned = max(min(current[s.name], s.max), floor)
		sum += s.assigned
	}
	switch {
	case sum > total:
		shrink(slots, sum-total)
	case sum < total:
		// Only weighted clusters can be below their ideal share (a zero-weight one's ideal is
		// at most its floor), and together they are short of at least the missing replicas
		// whenever the ideal layout places them all.
		spread(slots, total-sum, func(s *slot) int64 { return s.ideal })
	}
}

// shrink removes excess replicas, last slot first, never below a slot's ideal share. The ideal
// shares sum to at most the total, so the surplus above them always covers the excess.
func shrink(slots []slot, excess int64) {
	for i := len(slots) - 1; i >= 0 && excess > 0; i-- {
		s := &slots[i]
		cut := min(max(s.assigned-s.ideal, 0), excess)
		s.assigned -= cut
		excess -= cut
	}
}
