package gslb

// Ready implements the ready plugin's Readiness: the index has been filled from etcd once.
// After that it stays ready while etcd is away, since the last snapshot keeps being served.
func (g *GSLB) Ready() bool { return g.synced.Load() }
