package v1beta1

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// KubeFedConfig holds the federation's settings. Meridian reads the object named "kubefed" in
// its namespace; every field is optional and falls back to KubeFed's default.
//
// +kubebuilder:object:root=true
// +kubebuilder:resource:shortName=kfconfig
type KubeFedConfig struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec KubeFedConfigSpec `json:"spec"`
}

// KubeFedConfigName is the name of the KubeFedConfig Meridian reads.
const KubeFedConfigName = "kubefed"

// KubeFedConfigSpec is KubeFed's configuration, field for field.
type KubeFedConfigSpec struct {
	// Scope is Cluster (federate every namespace) or Namespaced (only the federation's own).
	// +kubebuilder:validation:Enum=Cluster;Namespaced
	// +optional
	Scope string `json:"scope,omitempty"`
	// +optional
	ControllerDuration *DurationConfig `json:"controllerDuration,omitempty"`
	// +optional
	LeaderElect *LeaderElectConfig `json:"leaderElect,omitempty"`
	// +optional
	FeatureGates []FeatureGatesConfig `json:"featureGates,omitempty"`
	// +optional
	ClusterHealthCheck *ClusterHealthCheckConfig `json:"clusterHealthCheck,omitempty"`
	// +optional
	SyncController *SyncControllerConfig `json:"syncController,omitempty"`
	// +optional
	StatusController *StatusControllerConfig `json:"statusController,omitempty"`
}

// DurationConfig tunes controller delays.
type DurationConfig struct {
	// AvailableDelay is how long to wait before reconciling after a cluster becomes available.
	// +optional
	AvailableDelay *metav1.Duration `json:"availableDelay,omitempty"`
	// UnavailableDelay is how long to wait before reconciling after a cluster becomes unavailable.
	// +optional
	UnavailableDelay *metav1.Duration `json:"unavailableDelay,omitempty"`
	// CacheSyncTimeout bounds the wait for a member's caches to fill.
	// +optional
	CacheSyncTimeout *metav1.Duration `json:"cacheSyncTimeout,omitempty"`
}

// LeaderElectConfig tunes leader election. Meridian takes these from its command-line flags;
// the fields are accepted so KubeFed manifests apply.
type LeaderElectConfig struct {
	// +optional
	LeaseDuration *metav1.Duration `json:"leaseDuration,omitempty"`
	// +optional
	RenewDeadline *metav1.Duration `json:"renewDeadline,omitempty"`
	// +optional
	RetryPeriod *metav1.Duration `json:"retryPeriod,omitempty"`
	// +kubebuilder:validation:Enum=configmaps;endpoints;leases;configmapsleases;endpointsleases
	// +optional
	ResourceLock *string `json:"resourceLock,omitempty"`
}

// FeatureGatesConfig turns one named feature on or off.
type FeatureGatesConfig struct {
	Name string `json:"name"`
	// +kubebuilder:validation:Enum=Enabled;Disabled
	Configuration string `json:"configuration"`
}

// ClusterHealthCheckConfig tunes the member /healthz probe.
type ClusterHealthCheckConfig struct {
	// Period between probes of each member. Default 10s.
	// +optional
	Period *metav1.Duration `json:"period,omitempty"`
	// FailureThreshold is how many failed probes in a row make a Ready member not ready. Default 3.
	// +kubebuilder:validation:Minimum=1
	// +optional
	FailureThreshold *int64 `json:"failureThreshold,omitempty"`
	// SuccessThreshold is how many good probes in a row make a not-ready member Ready. Default 1.
	// +kubebuilder:validation:Minimum=1
	// +optional
	SuccessThreshold *int64 `json:"successThreshold,omitempty"`
	// Timeout of one probe. Default 3s.
	// +optional
	Timeout *metav1.Duration `json:"timeout,omitempty"`
}

// SyncControllerConfig tunes propagation to members.
type SyncControllerConfig struct {
	// +kubebuilder:validation:Minimum=1
	// +optional
	MaxConcurrentReconciles *int64 `json:"maxConcurrentReconciles,omitempty"`
	// AdoptResources says whether objects that already exist in a member, unmanaged, are taken
	// over (Enabled) or reported (Disabled). Default Enabled, as in KubeFed.
	// +kubebuilder:validation:Enum=Enabled;Disabled
	// +optional
	AdoptResources *string `json:"adoptResources,omitempty"`
}

// StatusControllerConfig tunes status collection.
type StatusControllerConfig struct {
	// +kubebuilder:validation:Minimum=1
	// +optional
	MaxConcurrentReconciles *int64 `json:"maxConcurrentReconciles,omitempty"`
}

// KubeFedConfigList is a list of KubeFedConfigs.
//
// +kubebuilder:object:root=true
type KubeFedConfigList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []KubeFedConfig `json:"items"`
}

// HealthCheck is a ClusterHealthCheckConfig with every default filled in.
//
// +kubebuilder:object:generate=false
type HealthCheck struct {
	Period           time.Duration
	Timeout          time.Duration
	FailureThreshold int
	SuccessThreshold int
}

// DefaultHealthCheck is KubeFed's default probe: every 10 s, 3 s timeout, three failures to go
// not ready, one success to come back.
var DefaultHealthCheck = HealthCheck{Period: 10 * time.Second, Timeout: 3 * time.Second, FailureThreshold: 3, SuccessThreshold: 1}

// Effective returns the health check the config asks for, defaults filled in. A nil config
// (no KubeFedConfig) gives the defaults.
func (c *ClusterHealthCheckConfig) Effective() HealthCheck {
	h := DefaultHealthCheck
	if c == nil {
		return h
	}
	if c.Period != nil && c.Period.Duration > 0 {
		h.Period = c.Period.Duration
	}
	if c.Timeout != nil && c.Timeout.Duration > 0 {
		h.Timeout = c.Timeout.Duration
	}
	if c.FailureThreshold != nil && *c.FailureThreshold > 0 {
		h.FailureThreshold = int(*c.FailureThreshold)
	}
	if c.SuccessThreshold != nil && *c.SuccessThreshold > 0 {
		h.SuccessThreshold = int(*c.SuccessThreshold)
	}
	return h
}
