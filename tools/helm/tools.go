//go:build tools

// Package tools pins Helm, which the chart tests use to lint and render charts/meridian.
package tools

import _ "helm.sh/helm/v3/cmd/helm"
