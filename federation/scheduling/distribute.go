package scheduling

// Distribute decides how many replicas each eligible cluster runs. Every eligible cluster with a
// preference (by name or Default) gets an entry, possibly 0; other clusters get none, and the
// caller should run nothing there. The sum never exceeds TotalReplicas and falls short only when
// the preferences leave no room: every weighted cluster at its maxReplicas and every zero-weight
// cluster at its minReplicas. The caller can report the shortfall by comparing the sum.
//
// The result depends only on the input's values, not on the order of Clusters or of map
// iteration. The only error is invalid input; it names the cluster and field of each problem.
func Distribute(in Input) (map[string]int64, error) {
	if err := validate(in); err != nil {
		return nil, err
	}
	slots := slotsFor(in)
	plan(slots, in.TotalReplicas)
	// Without a previous layout there is nothing to keep: the first layout is the ideal one.
	if !in.Rebalance && len(in.Current) > 0 {
		keep(slots, in.Current, in.TotalReplicas)
	}
	out := make(map[string]int64, len(slots))
	for _, s := range slots {
		out[s.name] = s.assigned
	}
	return out, nil
}

// plan lays out total from scratch into the slots' assigned counts. It plans first within what
// each cluster can run now; replicas no cluster can then take are planned again within the
// preferences alone. They land back on the clusters with unschedulable pods: better pending there,
// where a cluster autoscaler may yet make room, than silently dropped.
func plan(slots []slot, total int64) {
	left := place(slots, total, func(s *slot) int64 { return s.capacity })
	place(slots, left, func(s *slot) int64 { return s.max })
}

// place gives out n replicas, each slot's minimum first in slot order, then the rest by weight,
// no slot going past limit(s). It returns what no slot could take.
func place(slots []slot, n int64, limit func(*slot) int64) int64 {
	for i := range slots {
		s := &slots[i]
		give := min(max(min(s.min, limit(s))-s.assigned, 0), n)
		s.assigned += give
		n -= give
	}
	return spread(slots, n, limit)
}

// spread shares n among the weighted slots in proportion to weight, no slot going past limit(s),
// and returns what is left once every weighted slot is full. Zero-weight slots take nothing:
// KubeFed's planner does the same, so replicas stay unassigned when only they have room, since a
// weight of 0 says the cluster should run its minimum and no more.
//
// This is water-filling: slots whose exact share reaches their room are filled to it and the
// rest is shared again among the others; only the final shares are rounded, so a cap does not
// compound rounding errors.
func spread(slots []slot, n int64, limit func(*slot) int64) int64 {
	open := make([]*slot, 0, len(slots))
	for i := range slots {
		if s := &slots[i]; s.weight > 0 && limit(s) > s.assigned {
			open = append(open, s)
		}
	}
	for n > 0 && len(open) > 0 {
		var sum int64
		for _, s := range open {
			sum += s.weight
		}
		var full, rest []*slot
		for _, s := range open {
			// The room is a whole number, so the exact share reaches it iff the floor does.
			if n*s.weight/sum >= limit(s)-s.assigned {
				full = append(full, s)
			} else {
				rest = append(rest, s)
			}
		}
		if len(full) == 0 {
			round(open, n, sum)
			return 0
		}
		for _, s := range full {
			n -= limit(s) - s.assigned
			s.assigned = limit(s)
		}
		open = rest
	}
	return n
}

// round gives each slot the floor of its share of n, then the replicas the floors leave over one
// each, in slot order, to the slots whose share had a fraction. There are always fewer of those
// replicas than such slots, and a share below the room rounds up to at most the room. (KubeFed
// rounds each share up in order until replicas run out, which can starve a later cluster of
// equal weight; this keeps every share within one of exact.)
func round(open []*slot, n, sum int64) {
	left := n
	for _, s := range open {
		share := n * s.weight / sum
		s.assigned += share
		left -= share
	}
	for _, s := range open {
		if left == 0 {
			return
		}
		if n*s.weight%sum != 0 {
			s.assigned++
			left--
		}
	}
}
