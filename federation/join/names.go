// Package join registers member clusters with a Meridian host the way kubefedctl did, so a
// federation set up by either tool can be managed by the other: a ServiceAccount with the least
// rights Meridian needs in the member, its token in a Secret in the host, and a KubeFedCluster
// pointing at the member's API server. Unjoin removes exactly that again, found by labels.
package join

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
)

// Labels on every object join creates. Unjoin finds the member side by them alone, so it works
// even when the host has already forgotten the member.
const (
	// LabelCluster holds the member's name in the federation.
	LabelCluster = "meridian.io/cluster"
	// LabelHostCluster holds the host's name, so one member joined to two hosts keeps two
	// independent sets of credentials.
	LabelHostCluster = "meridian.io/host-cluster"
	// LabelManagedBy marks what meridianctl created; it never changes or deletes what lacks it.
	LabelManagedBy = "app.kubernetes.io/managed-by"
	// ManagedBy is LabelManagedBy's value.
	ManagedBy = "meridianctl"
	// LabelFederated marks the objects KubeFed (and Meridian) propagated into a member; unjoin
	// deletes them unless told to keep them.
	LabelFederated = "kubefed.io/managed"

	// DefaultNamespace is KubeFed's namespace for KubeFedClusters and member credentials.
	DefaultNamespace = "kube-federation-system"
)

// ValidateClusterName checks that a member or host name can be used in object names and label
// values: a DNS-1123 label.
func ValidateClusterName(what, name string) error {
	if len(validation.IsDNS1123Label(name)) > 0 {
		return fmt.Errorf("invalid %s name %q: must be at most %d lower-case letters, digits or '-', "+
			"starting and ending with a letter or digit (for example \"us-east-1\")", what, name, validation.DNS1123LabelMaxLength)
	}
	return nil
}

// HostClusterName turns a kubeconfig context name, which may be anything (kubeadm's
// "kubernetes-admin@kubernetes", EKS ARNs), into a DNS-1123 label for object names: lower case,
// every other character a '-', no '-' at either end, at most 63 characters. It returns "" when
// nothing usable is left.
func HostClusterName(context string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(context) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '-' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	name := strings.Trim(b.String(), "-")
	if len(name) > validation.DNS1123LabelMaxLength {
		name = strings.TrimRight(name[:validation.DNS1123LabelMaxLength], "-")
	}
	return name
}

// names are the names of everything join creates for one member and host.
type names struct {
	cluster   string // the member's name in the federation
	host      string // the host's name, part of the member-side names
	namespace string // KubeFed's namespace, in both clusters
	// hostSecret is the Secret in the host that holds the member's token.
	hostSecret string
}

func newNames(cluster, host, namespace, hostSecret string) names {
	if hostSecret == "" {
		hostSecret = cluster + "-token"
	}
	return names{cluster: cluster, host: host, namespace: namespace, hostSecret: hostSecret}
}

// serviceAccount is the member's ServiceAccount for this host: <cluster>-<host>, as kubefedctl
// named it.
func (n names) serviceAccount() string { return n.cluster + "-" + n.host }

// clusterRole names both the ClusterRole and its binding.
func (n names) clusterRole() string { return "meridian-member:" + n.serviceAccount() }

// memberSecret is the service-account-token Secret kube-controller-manager fills.
func (n names) memberSecret() string { return n.serviceAccount() + "-token" }

// labels are put on every object join creates.
func (n names) labels() map[string]string {
	return map[string]string{LabelCluster: n.cluster, LabelHostCluster: n.host, LabelManagedBy: ManagedBy}
}

// memberSelector selects the member-side objects of this member and host.
func (n names) memberSelector() string {
	return fmt.Sprintf("%s=%s,%s=%s,%s=%s", LabelCluster, n.cluster, LabelHostCluster, n.host, LabelManagedBy, ManagedBy)
}

// hostSelector selects the host-side objects of this member.
func (n names) hostSelector() string {
	return fmt.Sprintf("%s=%s,%s=%s", LabelCluster, n.cluster, LabelManagedBy, ManagedBy)
}

// ours reports whether a previous join of the same member created the object, so it may be
// updated or deleted.
func (n names) ours(labels map[string]string) bool {
	return labels[LabelManagedBy] == ManagedBy && labels[LabelCluster] == n.cluster
}
