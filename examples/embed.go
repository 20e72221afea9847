// Package examples holds the manifests `meridianctl up` applies (and users can apply by hand):
// the hello app, federated to every member with one global DNS name.
package examples

import "embed"

// Manifests are the YAML files of this folder. Apply them in Order.
//
//go:embed *.yaml
var Manifests embed.FS

// Order is the order the files apply in: the type configs before the federated objects.
var Order = []string{"type-configs.yaml", "hello.yaml"}
