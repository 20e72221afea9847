//go:build tools

// Package tools pins the Kubernetes control-plane binaries that test/env builds:
// kube-apiserver, kube-controller-manager, kube-scheduler and kubectl, all from one k8s.io/kubernetes tag.
// Changing the version here (and the replace block, which maps every staging module to
// the matching v0.x tag) is what makes test/env rebuild them.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
