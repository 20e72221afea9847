// Package propagation is the pure core of the sync controller: from a Federated<Kind>'s
// template, placement and overrides, the member clusters and a member's live object, it decides
// what that member should hold — an object to create or update, or nothing (delete what is
// there). No I/O: the reconciler gathers inputs and applies the decision.
//
// (The design notes call this package federation/sync; it is named propagation so that it does
// not shadow the standard library's sync in its importers.)
package propagation
