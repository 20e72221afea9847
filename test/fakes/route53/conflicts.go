package route53fake

import "fmt"

// Rules on which record sets may share a name, as Route 53 enforces them when
// a set is created or upserted. Message wording follows the InvalidChangeBatch
// messages Route 53 returns; where no public example of a message was found
// (failover role clash) the wording is modelled on its latency sibling.

// conflicts returns the messages that forbid storing s among sets (everything
// already at s's name, s's own key excluded).
func (b *batch) conflicts(s *rrset, sets nameSets) []string {
	if msg := cnameConflict(s, sets, b.z.name); msg != "" {
		return []string{msg}
	}
	return routingConflicts(s, sets)
}

// cnameConflict enforces "If you create a CNAME record for a subdomain, you
// cannot create any other records for that subdomain" (Developer Guide,
// Supported DNS record types, CNAME). Route 53's message for the second case
// really has two spaces in "type  CNAME".
func cnameConflict(s *rrset, sets nameSets, zoneName string) string {
	for k := range sets {
		switch {
		case s.Type == "CNAME" && k.typ != "CNAME":
			return fmt.Sprintf("RRSet of type CNAME with DNS name %s is not permitted as it conflicts with other records with the same DNS name in zone %s", s.Name, zoneName)
		case s.Type != "CNAME" && k.typ == "CNAME":
			return fmt.Sprintf("RRSet of type %s with DNS name %s is not permitted because a conflicting RRSet of type  CNAME with the same DNS name already exists in zone %s", s.Type, s.Name, zoneName)
		}
	}
	return ""
}

// policy names a set's routing policy; "" is simple routing.
func policy(s *rrset) string {
	switch {
	case s.Weight != nil:
		return "weighted"
	case s.Region != nil:
		return "latency"
	case s.Failover != nil:
		return "failover"
	case s.MultiValueAnswer != nil:
		return "multivalue"
	}
	return ""
}

// routingConflicts enforces that all sets with one name and type share one
// routing policy ("cannot be created as other RRSets exist with the same name
// and type" / "as a non-weighted set exists"), that latency sets differ in
// region and failover sets in role, and the quota on routed sets.
func routingConflicts(s *rrset, sets nameSets) []string {
	self := keyOf(s)
	var siblings []*rrset
	for k, other := range sets {
		if k.typ == s.Type && k != self {
			siblings = append(siblings, other)
		}
	}
	if len(siblings) == 0 {
		return nil
	}
	p := policy(s)
	if p == "" {
		return []string{fmt.Sprintf("RRSet with DNS name %s, type %s cannot be created as other RRSets exist with the same name and type.", s.Name, s.Type)}
	}
	for _, o := range siblings {
		if msg := siblingConflict(s, p, o); msg != "" {
			return []string{msg}
		}
	}
	if len(siblings)+1 > maxRoutedSets {
		return []string{fmt.Sprintf("Exceeded limit on number of %s RRSets for %s, type %s in this zone.", p, s.Name, s.Type)}
	}
	return nil
}

func siblingConflict(s *rrset, p string, o *rrset) string {
	id := *s.SetIdentifier
	switch {
	case policy(o) != p:
		return fmt.Sprintf("RRSet with DNS name %s, type %s, SetIdentifier %s cannot be created as a non-%s set exists with the same name and type.", s.Name, s.Type, id, p)
	case p == "latency" && *o.Region == *s.Region:
		return fmt.Sprintf("RRSet with DNS name %s, type %s, SetIdentifier %s, and Region Name=%s cannot be created because a latency RRSet with the same name, type and region already exists.", s.Name, s.Type, id, *s.Region)
	case p == "failover" && *o.Failover == *s.Failover:
		return fmt.Sprintf("RRSet with DNS name %s, type %s, SetIdentifier %s, and Failover %s cannot be created because a failover RRSet with the same name, type and failover type already exists.", s.Name, s.Type, id, *s.Failover)
	}
	return ""
}
