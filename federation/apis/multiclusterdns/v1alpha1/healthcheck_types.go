package v1alpha1

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// HealthCheck (Meridian) probes each cluster's load-balancer addresses; a cluster leaves the DNS
// answers after failureThreshold failed probes in a row and comes back after successThreshold
// good ones. The defaults are KubeFed's cluster health check: every 10s, 3s timeout, 3 failures,
// 1 success.
//
// The duration rules repeat the format check so that a malformed duration gets the format
// message rather than a CEL evaluation error.
//
// +kubebuilder:validation:XValidation:rule="!has(self.path) || !has(self.protocol) || self.protocol != 'TCP'",message="path: a TCP health check has no path; use protocol HTTP or HTTPS"
// +kubebuilder:validation:XValidation:rule="!has(self.timeout) || !has(self.interval) || !self.timeout.matches('^([0-9]+([.][0-9]+)?(ns|us|ms|s|m|h))+$') || !self.interval.matches('^([0-9]+([.][0-9]+)?(ns|us|ms|s|m|h))+$') || duration(self.timeout) < duration(self.interval)",message="timeout: must be shorter than interval"
type HealthCheck struct {
	// Protocol is HTTP (default), HTTPS or TCP. HTTP and HTTPS pass on a 2xx or 3xx answer
	// (HTTPS without verifying the certificate, as kubelet probes do); TCP passes when a
	// connection opens.
	// +optional
	// +kubebuilder:default=HTTP
	Protocol HealthCheckProtocol `json:"protocol,omitempty"`
	// Port is the port probed on every load-balancer address.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=65535
	Port int32 `json:"port"`
	// Path is the HTTP(S) path probed; empty means "/". Not allowed with TCP.
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	// +kubebuilder:validation:XValidation:rule="self.matches('^/[^[:space:]]*$')",message="must start with '/' and contain no spaces"
	Path string `json:"path,omitempty"`
	// Interval is the time between probes, at least 1s.
	// +optional
	// +kubebuilder:default="10s"
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:XValidation:rule="self.matches('^([0-9]+([.][0-9]+)?(ns|us|ms|s|m|h))+$')",message="must be a duration such as 10s, 500ms or 1m30s"
	// +kubebuilder:validation:XValidation:rule="!self.matches('^([0-9]+([.][0-9]+)?(ns|us|ms|s|m|h))+$') || duration(self) >= duration('1s')",message="must be at least 1s"
	Interval *metav1.Duration `json:"interval,omitempty"`
	// Timeout is how long one probe may take; shorter than interval.
	// +optional
	// +kubebuilder:default="3s"
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:XValidation:rule="self.matches('^([0-9]+([.][0-9]+)?(ns|us|ms|s|m|h))+$')",message="must be a duration such as 3s or 500ms"
	// +kubebuilder:validation:XValidation:rule="!self.matches('^([0-9]+([.][0-9]+)?(ns|us|ms|s|m|h))+$') || duration(self) > duration('0s')",message="must be longer than 0s"
	Timeout *metav1.Duration `json:"timeout,omitempty"`
	// FailureThreshold is how many failed probes in a row take a cluster out of the answers.
	// +optional
	// +kubebuilder:default=3
	// +kubebuilder:validation:Minimum=1
	FailureThreshold int32 `json:"failureThreshold,omitempty"`
	// SuccessThreshold is how many good probes in a row bring it back.
	// +optional
	// +kubebuilder:default=1
	// +kubebuilder:validation:Minimum=1
	SuccessThreshold int32 `json:"successThreshold,omitempty"`
}

// HealthCheckProtocol is how a HealthCheck probes.
//
// +kubebuilder:validation:Enum=HTTP;HTTPS;TCP
type HealthCheckProtocol string

const (
	HealthCheckHTTP  HealthCheckProtocol = "HTTP"
	HealthCheckHTTPS HealthCheckProtocol = "HTTPS"
	HealthCheckTCP   HealthCheckProtocol = "TCP"
)
