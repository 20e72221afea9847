package v1beta1

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// KubeFedCluster registers a member cluster with the host: where its API server is and which
// Secret (key "token") holds the credentials Meridian uses there. Its status is kept by Meridian's
// cluster health controller.
//
// +kubebuilder:object:root=true
// +kubebuilder:resource:shortName=kfc
// +kubebuilder:subresource:status
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=='Ready')].status`
// +kubebuilder:printcolumn:name="Region",type=string,JSONPath=`.status.region`
// +kubebuilder:printcolumn:name="Kubernetes-Version",type=string,JSONPath=`.status.kubernetesVersion`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type KubeFedCluster struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec KubeFedClusterSpec `json:"spec"`
	// +optional
	Status KubeFedClusterStatus `json:"status,omitempty"`
}

// KubeFedClusterSpec says how to reach a member cluster.
type KubeFedClusterSpec struct {
	// APIEndpoint is the member's API server URL, for example https://10.0.0.1:6443.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:Pattern=`^(https?://)?[^\s/]+(/\S*)?$`
	APIEndpoint string `json:"apiEndpoint"`

	// CABundle is the PEM bundle of certificate authorities the member's serving certificate
	// chains to. Empty means the host's system roots.
	// +optional
	CABundle []byte `json:"caBundle,omitempty"`

	// SecretRef names a Secret in this object's namespace whose key "token" holds a bearer token
	// for the member.
	SecretRef LocalSecretReference `json:"secretRef"`

	// DisabledTLSValidations turns off parts of the serving-certificate check: "*" (all of it),
	// "SubjectName" or "ValidityPeriod".
	// +optional
	// +listType=set
	DisabledTLSValidations []TLSValidation `json:"disabledTLSValidations,omitempty"`

	// ProxyURL, when set, is the HTTP(S) or SOCKS5 proxy requests to the member go through.
	// +optional
	// +kubebuilder:validation:Pattern=`^(https?|socks5)://\S+$`
	ProxyURL string `json:"proxyURL,omitempty"`
}

// LocalSecretReference names a Secret in the referring object's namespace.
type LocalSecretReference struct {
	// Name of the Secret.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`
}

// TLSValidation is a part of TLS server verification that can be disabled.
// +kubebuilder:validation:Enum="*";SubjectName;ValidityPeriod
type TLSValidation string

const (
	TLSAll            TLSValidation = "*"
	TLSSubjectName    TLSValidation = "SubjectName"
	TLSValidityPeriod TLSValidation = "ValidityPeriod"
)

// KubeFedClusterStatus is what the health controller last observed of the member.
type KubeFedClusterStatus struct {
	// Conditions: Ready, Offline and ConfigMalformed as KubeFed defined them, plus Meridian's
	// Topology, which says when region or zone labels are missing on the member's nodes.
	// +optional
	Conditions []ClusterCondition `json:"conditions,omitempty"`
	// KubernetesVersion is the member API server's version, for example v1.36.3.
	// +optional
	KubernetesVersion string `json:"kubernetesVersion,omitempty"`
	// Zones are the member's nodes' topology.kubernetes.io/zone values, sorted.
	// +optional
	Zones []string `json:"zones,omitempty"`
	// Region is the member's nodes' topology.kubernetes.io/region value.
	// +optional
	Region *string `json:"region,omitempty"`
}

// ClusterConditionType names a KubeFedCluster condition.
type ClusterConditionType string

const (
	// ClusterReady means the member's /healthz answers ok.
	ClusterReady ClusterConditionType = "Ready"
	// ClusterOffline means the member's API server cannot be reached.
	ClusterOffline ClusterConditionType = "Offline"
	// ClusterConfigMalformed means the KubeFedCluster or its Secret cannot be turned into a
	// client configuration.
	ClusterConfigMalformed ClusterConditionType = "ConfigMalformed"
	// ClusterTopology (Meridian) is False when the member's nodes lack region or zone labels;
	// the cluster still serves, under the global DNS name only.
	ClusterTopology ClusterConditionType = "Topology"
)

// Condition reasons, KubeFed's where KubeFed had one.
const (
	ReasonClusterReady           = "ClusterReady"
	ReasonClusterNotReady        = "ClusterNotReady"
	ReasonClusterNotReachable    = "ClusterNotReachable"
	ReasonClusterReachable       = "ClusterReachable"
	ReasonClusterConfigMalformed = "ClusterConfigMalformed"
	ReasonTopologyLabeled        = "TopologyLabeled"
	ReasonTopologyLabelMissing   = "TopologyLabelMissing"
)

// ClusterCondition is KubeFed's condition shape (not metav1.Condition): a probe time that moves
// with every probe and a transition time that moves only when the status changes.
type ClusterCondition struct {
	// Type of the condition: Ready, Offline, ConfigMalformed or Topology.
	Type ClusterConditionType `json:"type"`
	// Status of the condition: True, False or Unknown.
	// +kubebuilder:validation:Enum=True;False;Unknown
	Status corev1.ConditionStatus `json:"status"`
	// LastProbeTime is when the condition was last checked.
	LastProbeTime metav1.Time `json:"lastProbeTime"`
	// LastTransitionTime is when the status last changed.
	// +optional
	LastTransitionTime *metav1.Time `json:"lastTransitionTime,omitempty"`
	// Reason is a CamelCase word for the status.
	// +optional
	Reason *string `json:"reason,omitempty"`
	// Message says the same for people.
	// +optional
	Message *string `json:"message,omitempty"`
}

// KubeFedClusterList is a list of KubeFedClusters.
//
// +kubebuilder:object:root=true
type KubeFedClusterList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []KubeFedCluster `json:"items"`
}

// IsProblem reports whether the condition, in its current status, is bad news: Ready or Topology
// not True, or Offline or ConfigMalformed True.
func (c ClusterCondition) IsProblem() bool {
	switch c.Type {
	case ClusterOffline, ClusterConfigMalformed:
		return c.Status == corev1.ConditionTrue
	default:
		return c.Status != corev1.ConditionTrue
	}
}
