package etcd

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/meridian-dns/meridian/providers"
	"github.com/meridian-dns/meridian/test/env"
)

// TestSoftErrorsWhileEtcdIsDown stops the only member: every call fails soft within the
// request timeout, and works again once etcd is back.
func TestSoftErrorsWhileEtcdIsDown(t *testing.T) {
	ctx := needEtcd(t)
	c, err := env.StartEtcd(ctx, etcdBinary, t.TempDir(), env.EtcdOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { kill(c) })
	p := newProvider(t, Config{Endpoints: c.Endpoints, RequestTimeout: time.Second})
	set := rec("www.example.test", "A", "192.0.2.1")
	if err := p.ApplyChanges(ctx, providers.Changes{Create: []providers.Record{set}}); err != nil {
		t.Fatal(err)
	}
	if err := c.Members[0].Stop(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := p.Records(ctx); !providers.IsSoft(err) {
		t.Errorf("Records with etcd down: %v, want a soft error", err)
	}
	next := rec("www.example.test", "A", "192.0.2.2")
	err = p.ApplyChanges(ctx, providers.Changes{Update: []providers.Update{{Old: set, New: next}}})
	if !providers.IsSoft(err) {
		t.Errorf("ApplyChanges with etcd down: %v, want a soft error", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("two calls took %s with a 1s request timeout", d)
	}
	if err := c.Members[0].Start(ctx); err != nil {
		t.Fatal(err)
	}
	err = providers.Retry(ctx, providers.Backoff{Initial: 100 * time.Millisecond, Max: time.Second, Factor: 2, Attempts: 20},
		func(ctx context.Context) error {
			return p.ApplyChanges(ctx, providers.Changes{Update: []providers.Update{{Old: set, New: next}}})
		})
	if err != nil {
		t.Fatalf("ApplyChanges after etcd is back: %v", err)
	}
	sameSets(t, mustRecords(t, ctx, p), []providers.Record{next})
}

// TestSecuredThreeMemberCluster runs against three members that require both a client
// certificate and a password, then with one member down: first a follower, then the leader.
func TestSecuredThreeMemberCluster(t *testing.T) {
	ctx := needEtcd(t)
	c, err := env.StartEtcd(ctx, etcdBinary, t.TempDir(), env.EtcdOptions{Members: 3, TLS: true, Auth: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { kill(c) })
	secured := Config{
		Endpoints: c.Endpoints, CertFile: c.ClientCertFile, KeyFile: c.ClientKeyFile, CAFile: c.CAFile,
		Username: c.Username, Password: c.Password, RequestTimeout: 3 * time.Second,
	}
	p := newProvider(t, secured)
	sets := []providers.Record{rec("www.example.test", "A", "192.0.2.1")}
	if err := p.ApplyChanges(ctx, providers.Changes{Create: sets}); err != nil {
		t.Fatal(err)
	}
	sameSets(t, mustRecords(t, ctx, p), sets)

	t.Run("credentials are required", func(t *testing.T) { credentialsRequired(t, secured) })

	leader, followers := roles(t, ctx, c)

	step := func(what string, next providers.Record) {
		t.Helper()
		// A member that just went away may still be picked once before the client notices; a
		// new election takes about a second. Bounded retries of soft errors cover both.
		err := providers.Retry(ctx, providers.Backoff{Initial: 100 * time.Millisecond, Max: time.Second, Factor: 2, Attempts: 15},
			func(ctx context.Context) error {
				if _, err := p.Records(ctx); err != nil {
					return err
				}
				return p.ApplyChanges(ctx, providers.Changes{Update: []providers.Update{{Old: sets[0], New: next}}})
			})
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		sets[0] = next
		sameSets(t, mustRecords(t, ctx, p), sets)
	}
	// Killed rather than stopped: a crash is the harsher case, and a graceful stop of a member
	// with clients connected takes seconds.
	if err := followers[0].Kill(); err != nil {
		t.Fatal(err)
	}
	step("a follower down", rec("www.example.test", "A", "192.0.2.2"))
	if err := followers[0].Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := leader.Kill(); err != nil {
		t.Fatal(err)
	}
	step("the leader down", rec("www.example.test", "A", "192.0.2.3"))
}

// roles tells the leader from the followers.
func roles(t *testing.T, ctx context.Context, c *env.EtcdCluster) (leader *env.EtcdMember, followers []*env.EtcdMember) {
	t.Helper()
	client, err := c.Client()
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	for _, m := range c.Members {
		st, err := client.Status(ctx, m.ClientURL)
		if err != nil {
			t.Fatal(err)
		}
		if st.Header.MemberId == st.Leader {
			leader = m
		} else {
			followers = append(followers, m)
		}
	}
	if leader == nil {
		t.Fatal(errors.New("no leader"))
	}
	return leader, followers
}

// credentialsRequired checks that the secured cluster wants both the certificate and the password.
func credentialsRequired(t *testing.T, secured Config) {
	ctx := t.Context()
	noPassword := secured
	noPassword.Username, noPassword.Password = "", ""
	if _, err := newProvider(t, noPassword).Records(ctx); err == nil || providers.IsSoft(err) {
		t.Errorf("certificate without a password: %v, want a hard error", err)
	}
	wrong := secured
	wrong.Password = "wrong"
	if _, err := New(ctx, wrong); err == nil || providers.IsSoft(err) {
		t.Errorf("wrong password: %v, want a hard error", err)
	}
	noCert := secured
	noCert.CertFile, noCert.KeyFile, noCert.DialTimeout = "", "", time.Second
	if p, err := New(ctx, noCert); err == nil {
		p.Close()
		t.Error("password without a certificate: accepted")
	}
}

// kill ends a test's cluster at once: a graceful stop of members that lost their quorum, or
// have clients connected, takes seconds, and the data is thrown away.
func kill(c *env.EtcdCluster) {
	for _, m := range c.Members {
		_ = m.Kill()
	}
}
