package join

import (
	"context"
	"fmt"
	"io"
	"time"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
)

// tokenTimeout bounds the wait for kube-controller-manager to fill the member's token Secret.
const tokenTimeout = 30 * time.Second

// Clusters names the member and the host of a join or unjoin.
type Clusters struct {
	// Kubeconfig is the kubeconfig file; empty: $KUBECONFIG, else ~/.kube/config.
	Kubeconfig string
	// ClusterName is the member's name in the federation: the KubeFedCluster's name.
	ClusterName string
	// ClusterContext is the member's kubeconfig context; empty: ClusterName.
	ClusterContext string
	// HostContext is the host's kubeconfig context.
	HostContext string
	// HostClusterName is the host's name in member-side object names; empty: HostContext
	// made into a DNS label (HostClusterName).
	HostClusterName string
	// Namespace holds KubeFedClusters in the host and credentials in the member; empty:
	// DefaultNamespace.
	Namespace string
}

// JoinOptions configure Join.
type JoinOptions struct {
	Clusters
	// SecretName is the host Secret holding the member's token; empty: "<ClusterName>-token".
	SecretName string
	// ErrorOnExisting makes any existing object an error; otherwise objects a previous join of
	// the same member created are updated.
	ErrorOnExisting bool
	// Progress receives one line per step; nil: none.
	Progress io.Writer
}

// joinRun is one join in progress.
type joinRun struct {
	opts         JoinOptions
	names        names
	member, host *conn
	spec         v1beta1.KubeFedClusterSpec
	progress     progress
	undo         undoStack
	token        []byte
	// typeRules grant the types enabled in the host beyond KubeFed's defaults.
	typeRules []rbacv1.PolicyRule
}

// Join registers a member cluster with the host, KubeFed-compatibly: a ServiceAccount with the
// least rights Meridian needs in the member, its token in a Secret in the host, and a
// KubeFedCluster. It checks both clusters before creating anything, and deletes what it created
// if a step fails.
func Join(ctx context.Context, opts JoinOptions) error {
	r := &joinRun{opts: opts, progress: progress{opts.Progress}}
	if err := r.preflight(ctx); err != nil {
		return fmt.Errorf("join %s: %w", opts.ClusterName, err)
	}
	steps := []struct {
		what string
		do   func(context.Context) error
	}{
		{"creating the Namespace in the member", func(ctx context.Context) error { return ensureNamespace(ctx, r, r.member) }},
		{"creating the ServiceAccount in the member", r.serviceAccount},
		{"creating the ClusterRole in the member", r.clusterRole},
		{"creating the ClusterRoleBinding in the member", r.clusterRoleBinding},
		{"creating the token Secret in the member", r.memberSecret},
		{"waiting for the member's ServiceAccount token", r.waitForToken},
		{"creating the Namespace in the host", func(ctx context.Context) error { return ensureNamespace(ctx, r, r.host) }},
		{"creating the token Secret in the host", r.hostSecret},
		{"creating the KubeFedCluster in the host", r.kubeFedCluster},
	}
	for _, s := range steps {
		if err := s.do(ctx); err != nil {
			rctx, cancel := rollbackContext(ctx)
			defer cancel()
			res := r.undo.rollback(rctx)
			return fmt.Errorf("join %s: %s: %w %s", opts.ClusterName, s.what, err, res)
		}
	}
	r.progress.printf("member %q joined host %q: KubeFedCluster %s/%s", r.names.cluster, r.names.host, r.names.namespace, r.names.cluster)
	return nil
}

// preflight checks names, contexts, reachability and the host's CRD, and computes the
// KubeFedCluster's spec and the member's rules for the host's FederatedTypeConfigs, so that what
// can be known to fail fails before anything is created.
func (r *joinRun) preflight(ctx context.Context) error {
	n, err := resolveNames(r.opts.Clusters, r.opts.SecretName)
	if err != nil {
		return err
	}
	r.names = n
	k, err := loadKubeconfig(r.opts.Kubeconfig)
	if err != nil {
		return err
	}
	if r.member, r.host, err = connectBoth(k, n, r.opts.Clusters); err != nil {
		return err
	}
	cluster, err := k.cluster(r.member.context)
	if err != nil {
		return err
	}
	if r.spec, err = clusterSpec(cluster, n.hostSecret); err != nil {
		return fmt.Errorf("cluster context %q: %w", r.member.context, err)
	}
	for _, c := range []*conn{r.member, r.host} {
		if err := c.reachable(ctx); err != nil {
			return err
		}
	}
	if err := r.host.servesKubeFedCluster(ctx); err != nil {
		return err
	}
	targets, err := r.host.enabledTargets(ctx, n.namespace)
	if err != nil {
		return err
	}
	r.typeRules = typeRules(targets)
	return nil
}

// resolveNames validates the names and fills in the defaults.
func resolveNames(c Clusters, hostSecret string) (names, error) {
	if err := ValidateClusterName("cluster", c.ClusterName); err != nil {
		return names{}, err
	}
	if c.HostContext == "" {
		return names{}, fmt.Errorf("the host cluster's kubeconfig context is required (--host-cluster-context)")
	}
	host := c.HostClusterName
	if host == "" {
		if host = HostClusterName(c.HostContext); host == "" {
			return names{}, fmt.Errorf("cannot make a host cluster name from context %q: give one with --host-cluster-name", c.HostContext)
		}
	} else if err := ValidateClusterName("host cluster", host); err != nil {
		return names{}, err
	}
	ns := c.Namespace
	if ns == "" {
		ns = DefaultNamespace
	}
	if len(validation.IsDNS1123Label(ns)) > 0 {
		return names{}, fmt.Errorf("invalid namespace %q: must be a namespace name (at most 63 lower-case letters, digits or '-')", ns)
	}
	return newNames(c.ClusterName, host, ns, hostSecret), nil
}

// connectBoth makes clients for the member and the host context (the member's defaults to its
// name), checking that both contexts exist before either is contacted.
func connectBoth(k *kubeconfig, n names, c Clusters) (member, host *conn, err error) {
	memberContext := c.ClusterContext
	if memberContext == "" {
		memberContext = c.ClusterName
	}
	if member, err = connect(k, "member", n.cluster, memberContext); err != nil {
		return nil, nil, err
	}
	if host, err = connect(k, "host", n.host, c.HostContext); err != nil {
		return nil, nil, err
	}
	return member, host, nil
}

func (r *joinRun) serviceAccount(ctx context.Context) error {
	_, err := apply(ctx, r, r.member, object[*corev1.ServiceAccount]{
		kind: "ServiceAccount",
		api:  r.member.kube.CoreV1().ServiceAccounts(r.names.namespace),
		build: func() *corev1.ServiceAccount {
			return &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: r.names.serviceAccount(), Namespace: r.names.namespace}}
		},
		mutate: func(*corev1.ServiceAccount) {},
	})
	return err
}

func (r *joinRun) clusterRole(ctx context.Context) error {
	_, err := apply(ctx, r, r.member, object[*rbacv1.ClusterRole]{
		kind: "ClusterRole",
		api:  r.member.kube.RbacV1().ClusterRoles(),
		build: func() *rbacv1.ClusterRole {
			return &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: r.names.clusterRole()}}
		},
		mutate: func(cr *rbacv1.ClusterRole) { cr.Rules = append(MemberRules(), r.typeRules...) },
	})
	if err == nil && len(r.typeRules) > 0 {
		r.member.printf(r.progress, "ClusterRole %s grants the types enabled in the host: %s", r.names.clusterRole(), describeRules(r.typeRules))
	}
	return err
}

func (r *joinRun) clusterRoleBinding(ctx context.Context) error {
	_, err := apply(ctx, r, r.member, object[*rbacv1.ClusterRoleBinding]{
		kind: "ClusterRoleBinding",
		api:  r.member.kube.RbacV1().ClusterRoleBindings(),
		build: func() *rbacv1.ClusterRoleBinding {
			return &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: r.names.clusterRole()}}
		},
		mutate: func(b *rbacv1.ClusterRoleBinding) {
			b.RoleRef = rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: r.names.clusterRole()}
			b.Subjects = []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: r.names.serviceAccount(), Namespace: r.names.namespace}}
		},
	})
	return err
}

// memberSecret asks kube-controller-manager for a long-lived token: KubeFedCluster Secrets
// hold a static token, which the TokenRequest API's expiring tokens are not.
func (r *joinRun) memberSecret(ctx context.Context) error {
	_, err := apply(ctx, r, r.member, object[*corev1.Secret]{
		kind: "Secret",
		api:  r.member.kube.CoreV1().Secrets(r.names.namespace),
		build: func() *corev1.Secret {
			return &corev1.Secret{
				ObjectMeta: metav1.ObjectMeta{Name: r.names.memberSecret(), Namespace: r.names.namespace},
				Type:       corev1.SecretTypeServiceAccountToken,
			}
		},
		mutate: func(s *corev1.Secret) {
			s.Annotations = withLabels(s.Annotations, map[string]string{corev1.ServiceAccountNameKey: r.names.serviceAccount()})
		},
	})
	return err
}

func (r *joinRun) waitForToken(ctx context.Context) error {
	api := r.member.kube.CoreV1().Secrets(r.names.namespace)
	err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, tokenTimeout, true, func(ctx context.Context) (bool, error) {
		s, err := api.Get(ctx, r.names.memberSecret(), metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		r.token = s.Data[corev1.ServiceAccountTokenKey]
		return len(r.token) > 0, nil
	})
	if err != nil {
		return fmt.Errorf("Secret %s/%s has no token after %s (is kube-controller-manager running in the member?): %w",
			r.names.namespace, r.names.memberSecret(), tokenTimeout, err)
	}
	r.member.printf(r.progress, "Secret %s/%s holds the ServiceAccount's token", r.names.namespace, r.names.memberSecret())
	return nil
}

// hostSecret stores the token as kubefedctl did: key "token" of a Secret next to the
// KubeFedCluster.
func (r *joinRun) hostSecret(ctx context.Context) error {
	_, err := apply(ctx, r, r.host, object[*corev1.Secret]{
		kind: "Secret",
		api:  r.host.kube.CoreV1().Secrets(r.names.namespace),
		build: func() *corev1.Secret {
			return &corev1.Secret{
				ObjectMeta: metav1.ObjectMeta{Name: r.names.hostSecret, Namespace: r.names.namespace},
				Type:       corev1.SecretTypeOpaque,
			}
		},
		mutate: func(s *corev1.Secret) {
			s.Data = map[string][]byte{corev1.ServiceAccountTokenKey: r.token}
		},
	})
	return err
}

func (r *joinRun) kubeFedCluster(ctx context.Context) error {
	_, err := apply(ctx, r, r.host, object[*v1beta1.KubeFedCluster]{
		kind: "KubeFedCluster",
		api:  newKubeFedClusters(r.host.dyn, r.names.namespace),
		build: func() *v1beta1.KubeFedCluster {
			return &v1beta1.KubeFedCluster{ObjectMeta: metav1.ObjectMeta{Name: r.names.cluster, Namespace: r.names.namespace}}
		},
		mutate: func(c *v1beta1.KubeFedCluster) { c.Spec = r.spec },
	})
	return err
}
