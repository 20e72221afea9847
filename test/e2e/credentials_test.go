package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/meridian-dns/meridian/controllers/publish"
	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
	"github.com/meridian-dns/meridian/federation/apis/multiclusterdns/v1alpha1"
	"github.com/meridian-dns/meridian/test/env"
	route53fake "github.com/meridian-dns/meridian/test/fakes/route53"
)

// TestCredentialsNeverLeak runs the controller binary against an etcd that wants TLS client
// certificates and a password (first a wrong one, then the right one) and against Route 53 with
// a secret key and failing calls, then searches the controller logs, every Event in the host and
// the status of every DNSEndpoint, ServiceDNSRecord and KubeFedCluster for the password, the
// secret key, the members' ServiceAccount tokens and the TLS private key.
func TestCredentialsNeverLeak(t *testing.T) {
	ctx := testContext(t, 5*time.Minute)
	start := time.Now()
	const (
		password        = "etcd-Passw0rd-must-not-leak-4c1e"
		wrongPassword   = "etcd-Wr0ng-password-must-not-leak-9d2b"
		changedPassword = "etcd-Chang3d-password-must-not-leak-0e5f"
		etcdZone        = "creds.example.com"
		route53Zone     = "creds-r53.example.com"
	)
	etcd, err := env.StartEtcd(ctx, testEnv.Binaries.Etcd, t.TempDir(), env.EtcdOptions{TLS: true, Auth: true, Password: password})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = etcd.Stop() })
	etcdFlags := []string{"--provider=etcd", "--zone=" + etcdZone, "--etcd-endpoints=" + strings.Join(etcd.Endpoints, ","),
		"--etcd-ca-file=" + etcd.CAFile, "--etcd-cert-file=" + etcd.ClientCertFile, "--etcd-key-file=" + etcd.ClientKeyFile,
		"--etcd-username=" + etcd.Username}
	binary, err := env.BuildCommand(ctx, "meridian-controller")
	if err != nil {
		t.Fatal(err)
	}
	ensureNamespaces(t, ctx, fedNamespace)
	endpoint := func(name, target string) []v1alpha1.Endpoint {
		return []v1alpha1.Endpoint{{DNSName: name, RecordType: "A", RecordTTL: 30, Targets: []string{target}}}
	}
	etcdRecord := createEndpoint(t, ctx, "creds-etcd", endpoint("web."+etcdZone, "192.0.2.81"))
	var logs []string

	// The wrong password: the controller must say so, in its log (it stops: no provider) or in
	// the DNSEndpoint's status, without the password.
	t.Setenv("MERIDIAN_ETCD_PASSWORD", wrongPassword)
	wrong := startController(t, binary, "credentials-wrong-meridian-controller", etcdFlags...)
	logs = append(logs, wrong.log)
	select {
	case err := <-wrong.done:
		wrong.done <- err // for the cleanup
		if log := readFile(t, wrong.log); !strings.Contains(log, "authentication failed") {
			t.Errorf("the controller stopped (%v) without saying that authentication failed:\n%s", err, log)
		}
		t.Logf("wrong etcd password: the controller stopped (%v) and logged the authentication failure", err)
	case <-time.After(30 * time.Second):
		waitReady(t, ctx, etcdRecord, publish.ReasonProviderError, 30*time.Second)
		wrong.stop(t)
		t.Log("wrong etcd password: the DNSEndpoint says ProviderError")
	}

	// The right password: published, with the members joined (their tokens in the host).
	t.Setenv("MERIDIAN_ETCD_PASSWORD", password)
	right := setUpFederation(t, ctx, etcdFlags...)
	logs = append(logs, right.log)
	joinMembers(t, ctx)
	assertPublished(t, ctx, client.ObjectKeyFromObject(etcdRecord))

	// The password changes under the running controller: its next write fails to authenticate,
	// and the DNSEndpoint says so.
	changePassword(t, ctx, etcd, changedPassword)
	err = retry.RetryOnConflict(retry.DefaultRetry, func() error {
		if err := hostClient(t).Get(ctx, client.ObjectKeyFromObject(etcdRecord), etcdRecord); err != nil {
			return err
		}
		etcdRecord.Spec.Endpoints[0].Targets = []string{"192.0.2.82"}
		return hostClient(t).Update(ctx, etcdRecord)
	})
	if err != nil {
		t.Fatal(err)
	}
	msg := waitReady(t, ctx, etcdRecord, publish.ReasonProviderError, time.Minute)
	t.Logf("changed etcd password: the DNSEndpoint says %q", msg)
	right.stop(t)

	// Route 53 with a secret key, every call failing at first.
	awsTestCredentials(t)
	fake := route53fake.New(route53fake.Options{})
	t.Cleanup(fake.Close)
	fake.CreateZone(route53Zone)
	r53 := startController(t, binary, "credentials-r53-meridian-controller",
		"--provider=route53", "--zone="+route53Zone, "--route53-endpoint="+fake.URL)
	logs = append(logs, r53.log)
	// The zone is looked up at start (a failure there stops the controller); fail what follows.
	eventually(t, ctx, 30*time.Second, "the controller serves /healthz", func(ctx context.Context) (bool, error) {
		code, _, err := httpGet(ctx, "http://"+r53.probeAddr+"/healthz")
		return code == http.StatusOK, err
	})
	fake.SetFailureRate(1)
	r53Record := createEndpoint(t, ctx, "creds-r53", endpoint("web."+route53Zone, "52.0.0.81"))
	// The SDK retries each call with backoff first: the condition comes after a while.
	msg = waitReady(t, ctx, r53Record, publish.ReasonProviderError, 2*time.Minute)
	t.Logf("failing Route 53: the DNSEndpoint says %q", msg)
	fake.SetFailureRate(0)
	assertPublished(t, ctx, client.ObjectKeyFromObject(r53Record))
	r53.stop(t)
	if log := readFile(t, r53.log); !strings.Contains(log, "StatusCode: 50") {
		t.Errorf("the controller log shows none of the failing Route 53 calls:\n%s", log)
	}

	secrets := map[string]string{
		"the etcd password":           password,
		"the wrong etcd password":     wrongPassword,
		"the changed etcd password":   changedPassword,
		"the AWS secret key":          os.Getenv("AWS_SECRET_ACCESS_KEY"),
		"the etcd client private key": readFile(t, etcd.ClientKeyFile),
	}
	for k, v := range memberTokens(t, ctx) {
		secrets[k] = v
	}
	places := map[string]string{}
	for i, path := range logs {
		places[fmt.Sprintf("controller log %d", i+1)] = readFile(t, path)
	}
	places["host Events"] = hostEvents(t, ctx)
	places["status of DNSEndpoints, ServiceDNSRecords, KubeFedClusters"] = statuses(t, ctx)
	for what, secret := range secrets {
		for where, text := range places {
			if leak := leaked(text, secret); leak != "" {
				t.Errorf("%s appears in %s: %q", what, where, leak)
			}
		}
	}
	t.Logf("searched %d places (%d bytes) for %d secrets in %v", len(places), totalLen(places), len(secrets), time.Since(start).Round(time.Second))
}

// waitReady waits until the DNSEndpoint's Ready condition has the reason, and returns its
// message.
func waitReady(t *testing.T, ctx context.Context, ep *v1alpha1.DNSEndpoint, reason string, timeout time.Duration) string {
	t.Helper()
	host := hostClient(t)
	var msg string
	eventually(t, ctx, timeout, "Ready reason "+reason, func(ctx context.Context) (bool, error) {
		got := &v1alpha1.DNSEndpoint{}
		if err := host.Get(ctx, client.ObjectKeyFromObject(ep), got); err != nil {
			return false, err
		}
		c := meta.FindStatusCondition(got.Status.Conditions, publish.ConditionReady)
		if c != nil {
			msg = c.Message
		}
		return c != nil && c.Reason == reason, fmt.Errorf("condition %+v", c)
	})
	return msg
}

// changePassword sets the etcd root user's password.
func changePassword(t *testing.T, ctx context.Context, etcd *env.EtcdCluster, password string) {
	t.Helper()
	c, err := etcd.Client()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.UserChangePassword(ctx, etcd.Username, password); err != nil {
		t.Fatalf("changing the etcd password: %v", err)
	}
}

// memberTokens returns the values of the Secrets in the host's federation namespace: the
// members' ServiceAccount tokens that join copied there.
func memberTokens(t *testing.T, ctx context.Context) map[string]string {
	t.Helper()
	list, err := testEnv.Host.Client().CoreV1().Secrets(fedNamespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tokens := map[string]string{}
	for _, s := range list.Items {
		for key, value := range s.Data {
			if len(value) >= 16 {
				tokens["Secret "+s.Name+" key "+key] = string(value)
			}
		}
	}
	if len(tokens) == 0 {
		t.Fatal("no member token in the host")
	}
	return tokens
}

// hostEvents renders every Event in the host.
func hostEvents(t *testing.T, ctx context.Context) string {
	t.Helper()
	list, err := testEnv.Host.Client().CoreV1().Events("").List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(list.Items)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// statuses renders the status of every DNSEndpoint, ServiceDNSRecord and KubeFedCluster in the
// host.
func statuses(t *testing.T, ctx context.Context) string {
	t.Helper()
	host := hostClient(t)
	var out strings.Builder
	for _, list := range []client.ObjectList{&v1alpha1.DNSEndpointList{}, &v1alpha1.ServiceDNSRecordList{}, &v1beta1.KubeFedClusterList{}} {
		if err := host.List(ctx, list); err != nil {
			t.Fatal(err)
		}
		items, err := meta.ExtractList(list)
		if err != nil {
			t.Fatal(err)
		}
		for _, item := range items {
			data, err := json.Marshal(item)
			if err != nil {
				t.Fatal(err)
			}
			var obj struct{ Status json.RawMessage }
			if err := json.Unmarshal(data, &obj); err != nil {
				t.Fatal(err)
			}
			out.Write(obj.Status)
			out.WriteByte('\n')
		}
	}
	if out.Len() == 0 {
		t.Fatal(errors.New("no status to search"))
	}
	return out.String()
}

// leaked returns the part of secret found in text: the whole of it, or, for a PEM block or a
// token, any line or 24-character piece of it (a log may wrap or cut it).
func leaked(text, secret string) string {
	secret = strings.TrimSpace(secret)
	if secret == "" {
		return ""
	}
	if strings.Contains(text, secret) {
		return secret
	}
	for _, line := range strings.Split(secret, "\n") {
		if strings.HasPrefix(line, "-----") {
			continue
		}
		for i := 0; i+24 <= len(line); i += 12 {
			if piece := line[i : i+24]; strings.Contains(text, piece) {
				return piece
			}
		}
	}
	return ""
}

func totalLen(m map[string]string) int {
	n := 0
	for _, v := range m {
		n += len(v)
	}
	return n
}
