// Package clouddnsfake is an HTTP server that speaks the JSON API of Google Cloud DNS (v1) and
// enforces the behaviour the real service documents, so that Meridian's Cloud DNS provider can be
// tested through the real generated client (google.golang.org/api/dns/v1) without reaching Google.
//
// Connect the client with the fake's Endpoint (its URL plus "/"): the generated client appends
// "dns/v1/projects/..." to its base path itself, so passing ".../dns/v1/" would double the prefix.
//
//	fake := clouddnsfake.New(clouddnsfake.Options{Project: "meridian-test"})
//	defer fake.Close()
//	_ = fake.CreateZone("example", "example.com.")
//	svc, _ := dns.NewService(ctx, option.WithEndpoint(fake.Endpoint()), option.WithoutAuthentication())
//
// or simply svc, _ := fake.Service(ctx).
//
// Served calls: managedZones.list/get, resourceRecordSets.list/get and changes.create/get/list.
// changes.create is atomic and mirrors the real service's errors (400 invalid and
// cnameResourceRecordSetConflict, 403 quotaExceeded, 404 notFound, 409 alreadyExists,
// 412 conditionNotMet). Faults (a token bucket, injected 5xx and 429, latency) are set at run time
// and every call is logged; see Fake's methods. The standalone binary is cmd/fake-clouddns.
package clouddnsfake
