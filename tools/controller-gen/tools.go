//go:build tools

// Package tools pins controller-gen, which generates Meridian's CRDs and deepcopy functions
// (make generate). A module of its own keeps its dependencies out of Meridian's go.mod.
package tools

import _ "sigs.k8s.io/controller-tools/cmd/controller-gen"
