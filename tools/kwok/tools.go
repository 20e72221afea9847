//go:build tools

// Package tools pins KWOK, the fake-node controller that makes pods of member clusters
// Running and Ready without a kubelet.
package tools

import _ "sigs.k8s.io/kwok/cmd/kwok"
