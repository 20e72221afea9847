package join

import (
	"strings"
	"testing"
)

func TestValidateClusterName(t *testing.T) {
	cases := []struct {
		name    string
		wantErr string
	}{
		{name: "member1"},
		{name: "us-east-1"},
		{name: "a"},
		{name: strings.Repeat("a", 63)},
		{name: "Kubeadm@k8s", wantErr: `invalid cluster name "Kubeadm@k8s": must be at most 63 lower-case letters, digits or '-', starting and ending with a letter or digit (for example "us-east-1")`},
		{name: "", wantErr: `invalid cluster name ""`},
		{name: "-member", wantErr: `invalid cluster name "-member"`},
		{name: "member-", wantErr: `invalid cluster name "member-"`},
		{name: "member.1", wantErr: `invalid cluster name "member.1"`},
		{name: "kubeadm@kubernetes", wantErr: `invalid cluster name "kubeadm@kubernetes"`},
		{name: strings.Repeat("a", 64), wantErr: "must be at most 63"},
	}
	for _, tc := range cases {
		err := ValidateClusterName("cluster", tc.name)
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("%q: unexpected error %v", tc.name, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("%q: error %v, want one containing %q", tc.name, err, tc.wantErr)
		}
	}
}

func TestHostClusterName(t *testing.T) {
	cases := map[string]string{
		"host":                               "host",
		"kubeadm@kubernetes":                 "kubeadm-kubernetes",
		"kubernetes-admin@kubernetes":        "kubernetes-admin-kubernetes",
		"Prod_EU.1":                          "prod-eu-1",
		"kind-host":                          "kind-host",
		"@host@":                             "host",
		"--x--":                              "x",
		"gke_my-project_europe-west1-b_prod": "gke-my-project-europe-west1-b-prod",
		"arn:aws:eks:us-east-1:123456789012:cluster/prod-eu": "arn-aws-eks-us-east-1-123456789012-cluster-prod-eu",
		"ÄÖ":   "",
		"@@@":  "",
		"":     "",
		"a b":  "a-b",
		"ümit": "mit",
		// 62 letters, then '@': cut to 63 leaves a trailing '-', which goes too.
		strings.Repeat("a", 62) + "@bbbb": strings.Repeat("a", 62),
		strings.Repeat("x", 70):           strings.Repeat("x", 63),
	}
	for context, want := range cases {
		got := HostClusterName(context)
		if got != want {
			t.Errorf("HostClusterName(%q) = %q, want %q", context, got, want)
		}
		if got != "" {
			if err := ValidateClusterName("host cluster", got); err != nil {
				t.Errorf("HostClusterName(%q) = %q is not a valid name: %v", context, got, err)
			}
		}
	}
}

func TestResolveNames(t *testing.T) {
	cases := []struct {
		desc    string
		in      Clusters
		secret  string
		want    names
		wantErr string
	}{
		{desc: "defaults", in: Clusters{ClusterName: "member1", HostContext: "kubeadm@kubernetes"},
			want: names{cluster: "member1", host: "kubeadm-kubernetes", namespace: DefaultNamespace, hostSecret: "member1-token"}},
		{desc: "explicit", in: Clusters{ClusterName: "m", HostContext: "h@x", HostClusterName: "hub", Namespace: "fed"}, secret: "creds",
			want: names{cluster: "m", host: "hub", namespace: "fed", hostSecret: "creds"}},
		{desc: "bad name", in: Clusters{ClusterName: "Member1", HostContext: "host"}, wantErr: `invalid cluster name "Member1"`},
		{desc: "no host", in: Clusters{ClusterName: "member1"}, wantErr: "--host-cluster-context"},
		{desc: "bad host name", in: Clusters{ClusterName: "m", HostContext: "host", HostClusterName: "Hub_1"}, wantErr: `invalid host cluster name "Hub_1"`},
		{desc: "unusable host context", in: Clusters{ClusterName: "m", HostContext: "@@"}, wantErr: "give one with --host-cluster-name"},
		{desc: "bad namespace", in: Clusters{ClusterName: "m", HostContext: "h", Namespace: "Fed"}, wantErr: `invalid namespace "Fed"`},
	}
	for _, tc := range cases {
		got, err := resolveNames(tc.in, tc.secret)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%s: error %v, want one containing %q", tc.desc, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s: got %+v, %v; want %+v", tc.desc, got, err, tc.want)
		}
	}
}

func TestDerivedNames(t *testing.T) {
	n := newNames("member1", "host", DefaultNamespace, "")
	got := []string{n.serviceAccount(), n.clusterRole(), n.memberSecret(), n.hostSecret, n.memberSelector(), n.hostSelector()}
	want := []string{"member1-host", "meridian-member:member1-host", "member1-host-token", "member1-token",
		"meridian.io/cluster=member1,meridian.io/host-cluster=host,app.kubernetes.io/managed-by=meridianctl",
		"meridian.io/cluster=member1,app.kubernetes.io/managed-by=meridianctl"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("name %d = %q, want %q", i, got[i], want[i])
		}
	}
}

func TestOurs(t *testing.T) {
	n := newNames("member1", "host", DefaultNamespace, "")
	cases := []struct {
		labels map[string]string
		want   bool
	}{
		{map[string]string{LabelManagedBy: ManagedBy, LabelCluster: "member1"}, true},
		{map[string]string{LabelManagedBy: ManagedBy, LabelCluster: "member1", LabelHostCluster: "other"}, true},
		{map[string]string{LabelManagedBy: ManagedBy, LabelCluster: "member2"}, false},
		{map[string]string{LabelCluster: "member1"}, false},
		{map[string]string{LabelManagedBy: "helm", LabelCluster: "member1"}, false},
		{nil, false},
	}
	for _, tc := range cases {
		if got := n.ours(tc.labels); got != tc.want {
			t.Errorf("ours(%v) = %v, want %v", tc.labels, got, tc.want)
		}
	}
}
