package clouddnsfake

import (
	"bytes"
	"encoding/json"

	dns "google.golang.org/api/dns/v1"
)

// cloneRRSet deep-copies an rrset through its own JSON encoding, so the copy holds exactly what
// the wire would carry (no ForceSendFields, NullFields or ServerResponse), and clears the
// server-stamped "kind" fields: the fake stores and compares rrsets without them.
func cloneRRSet(rr *dns.ResourceRecordSet) *dns.ResourceRecordSet {
	b, err := json.Marshal(rr)
	if err != nil {
		panic("clouddnsfake: encoding an rrset: " + err.Error()) // the client's own types always encode
	}
	out := &dns.ResourceRecordSet{}
	if err := json.Unmarshal(b, out); err != nil {
		panic("clouddnsfake: decoding an rrset: " + err.Error())
	}
	setKinds(out, false)
	return out
}

// wireRRSet is the copy a response carries: like the real service, it names the kind of every
// object that has one in the API's discovery document ("dns#resourceRecordSet",
// "dns#rRSetRoutingPolicy", ...). Callers that compare what they read with what they wrote must
// ignore them, as they must against Google.
func wireRRSet(rr *dns.ResourceRecordSet) *dns.ResourceRecordSet {
	out := cloneRRSet(rr)
	setKinds(out, true)
	return out
}

func wireRRSets(in []*dns.ResourceRecordSet) []*dns.ResourceRecordSet {
	out := make([]*dns.ResourceRecordSet, len(in))
	for i, rr := range in {
		out[i] = wireRRSet(rr)
	}
	return out
}

// setKinds sets (stamp) or clears every kind field of an rrset.
func setKinds(rr *dns.ResourceRecordSet, stamp bool) {
	set := func(field *string, kind string) {
		if stamp {
			*field = kind
		} else {
			*field = ""
		}
	}
	set(&rr.Kind, "dns#resourceRecordSet")
	p := rr.RoutingPolicy
	if p == nil {
		return
	}
	set(&p.Kind, "dns#rRSetRoutingPolicy")
	if p.Geo != nil {
		setGeoKinds(p.Geo, set)
	}
	if p.Wrr != nil {
		set(&p.Wrr.Kind, "dns#rRSetRoutingPolicyWrrPolicy")
		for _, it := range p.Wrr.Items {
			if it != nil {
				set(&it.Kind, "dns#rRSetRoutingPolicyWrrPolicyWrrPolicyItem")
				setTargetKinds(it.HealthCheckedTargets, set)
			}
		}
	}
	if pb := p.PrimaryBackup; pb != nil {
		set(&pb.Kind, "dns#rRSetRoutingPolicyPrimaryBackupPolicy")
		setTargetKinds(pb.PrimaryTargets, set)
		if pb.BackupGeoTargets != nil {
			setGeoKinds(pb.BackupGeoTargets, set)
		}
	}
}

func setGeoKinds(g *dns.RRSetRoutingPolicyGeoPolicy, set func(*string, string)) {
	set(&g.Kind, "dns#rRSetRoutingPolicyGeoPolicy")
	for _, it := range g.Items {
		if it != nil {
			set(&it.Kind, "dns#rRSetRoutingPolicyGeoPolicyGeoPolicyItem")
			setTargetKinds(it.HealthCheckedTargets, set)
		}
	}
}

func setTargetKinds(t *dns.RRSetRoutingPolicyHealthCheckTargets, set func(*string, string)) {
	if t == nil {
		return
	}
	for _, lb := range t.InternalLoadBalancers {
		if lb != nil {
			set(&lb.Kind, "dns#rRSetRoutingPolicyLoadBalancerTarget")
		}
	}
}

// sameRRSet reports whether a deletion matches a stored rrset exactly: the documentation of
// Change.deletions says they "must match existing data exactly". Names compare without regard to
// case (RFC 4343); kinds are ignored; every other field, including rrdata order, must be equal.
func sameRRSet(a, b *dns.ResourceRecordSet) bool {
	ca, cb := cloneRRSet(a), cloneRRSet(b)
	ca.Name, cb.Name = lowerName(ca.Name), lowerName(cb.Name)
	ja, errA := json.Marshal(ca)
	jb, errB := json.Marshal(cb)
	return errA == nil && errB == nil && bytes.Equal(ja, jb)
}
