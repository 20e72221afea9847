package join

import (
	"context"
	"fmt"
	"io"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// UnjoinOptions configure Unjoin.
type UnjoinOptions struct {
	Clusters
	// KeepResources leaves the objects federated into the member (labelled kubefed.io/managed=true)
	// in place.
	KeepResources bool
	// Progress receives one line per step; nil: none.
	Progress io.Writer
}

// unjoinRun is one unjoin in progress.
type unjoinRun struct {
	opts         UnjoinOptions
	names        names
	member, host *conn
	progress     progress
}

// Unjoin removes what Join created: in the host the KubeFedCluster, the Secret it references and
// our labelled Secrets; in the member our ServiceAccount, token Secret and RBAC, found by label,
// and, unless KeepResources, every object federated into it. Namespaces go only if join created
// them and nothing of another member remains in them. When the member cannot be reached, the host
// is still cleaned up and the error says what is left in the member; Unjoin can be run again.
func Unjoin(ctx context.Context, opts UnjoinOptions) error {
	r := &unjoinRun{opts: opts, progress: progress{opts.Progress}}
	n, err := resolveNames(opts.Clusters, "")
	if err != nil {
		return fmt.Errorf("unjoin %s: %w", opts.ClusterName, err)
	}
	r.names = n
	k, err := loadKubeconfig(opts.Kubeconfig)
	if err != nil {
		return fmt.Errorf("unjoin %s: %w", opts.ClusterName, err)
	}
	if r.member, r.host, err = connectBoth(k, n, opts.Clusters); err != nil {
		return fmt.Errorf("unjoin %s: %w", opts.ClusterName, err)
	}
	if err := r.host.reachable(ctx); err != nil {
		return fmt.Errorf("unjoin %s: %w", opts.ClusterName, err)
	}
	memberErr := r.member.reachable(ctx)
	// The host first: the controllers stop using the member before its credentials go.
	if err := r.unjoinHost(ctx); err != nil {
		return fmt.Errorf("unjoin %s: in the host: %w", opts.ClusterName, err)
	}
	if memberErr != nil {
		return fmt.Errorf("unjoin %s: the host no longer knows the member, but %w; left in the member: %s; "+
			"run unjoin again once it is reachable", opts.ClusterName, memberErr, r.memberLeftovers())
	}
	if err := r.unjoinMember(ctx); err != nil {
		return fmt.Errorf("unjoin %s: in the member: %w", opts.ClusterName, err)
	}
	r.progress.printf("member %q unjoined from host %q", n.cluster, n.host)
	return nil
}

// memberLeftovers lists what an unreachable member still holds.
func (r *unjoinRun) memberLeftovers() string {
	n := r.names
	left := fmt.Sprintf("ServiceAccount %s/%s, Secret %s/%s, ClusterRole and ClusterRoleBinding %s",
		n.namespace, n.serviceAccount(), n.namespace, n.memberSecret(), n.clusterRole())
	if !r.opts.KeepResources {
		left += ", objects labelled " + LabelFederated + "=true"
	}
	return left
}

func (r *unjoinRun) unjoinHost(ctx context.Context) error {
	n, h := r.names, r.host
	deleted := 0
	clusters := newKubeFedClusters(h.dyn, n.namespace)
	secrets := h.kube.CoreV1().Secrets(n.namespace)
	kfc, err := clusters.Get(ctx, n.cluster, metav1.GetOptions{})
	switch {
	case err == nil:
		if err := deleteObject(ctx, clusters, kfc.Name); err != nil {
			return fmt.Errorf("deleting KubeFedCluster %s/%s: %w", n.namespace, kfc.Name, err)
		}
		h.printf(r.progress, "KubeFedCluster %s/%s deleted", n.namespace, kfc.Name)
		deleted++
		// kubefedctl created this Secret without our labels; it is the member's all the same.
		if name := kfc.Spec.SecretRef.Name; name != "" {
			if done, err := deleteIfExists(ctx, secrets, name); err != nil {
				return fmt.Errorf("deleting Secret %s/%s: %w", n.namespace, name, err)
			} else if done {
				h.printf(r.progress, "Secret %s/%s deleted", n.namespace, name)
				deleted++
			}
		}
	case !apierrors.IsNotFound(err): // NotFound also when the CRD is missing: nothing to delete
		return fmt.Errorf("reading KubeFedCluster %s/%s: %w", n.namespace, n.cluster, err)
	}
	count, err := r.deleteLabelledSecrets(ctx, h, n.namespace, n.hostSelector())
	if err != nil {
		return err
	}
	deleted += count
	done, err := deleteNamespaceIfUnused(ctx, h, n.namespace)
	if err != nil {
		return err
	}
	if done {
		h.printf(r.progress, "Namespace %s deleted", n.namespace)
	} else if deleted == 0 {
		h.printf(r.progress, "nothing of member %q was left", n.cluster)
	}
	return nil
}

func (r *unjoinRun) unjoinMember(ctx context.Context) error {
	n, m := r.names, r.member
	if !r.opts.KeepResources {
		if err := purgeFederated(ctx, m, r.progress); err != nil {
			return err
		}
	}
	deleted, namespaces, err := r.deleteCredentials(ctx)
	if err != nil {
		return err
	}
	var nsDeleted []string
	for _, ns := range namespaces {
		done, err := deleteNamespaceIfUnused(ctx, m, ns)
		if err != nil {
			return err
		}
		if done {
			m.printf(r.progress, "Namespace %s deleted", ns)
			nsDeleted = append(nsDeleted, ns)
		}
	}
	if deleted == 0 && len(nsDeleted) == 0 {
		m.printf(r.progress, "nothing of the join to host %q was left", n.host)
	}
	return nil
}

// deleteCredentials deletes the member's Secrets, ClusterRoleBinding, ClusterRole and
// ServiceAccount by label, and returns the namespaces they were in (and --kubefed-namespace).
func (r *unjoinRun) deleteCredentials(ctx context.Context) (deleted int, namespaces []string, err error) {
	m, sel := r.member, metav1.ListOptions{LabelSelector: r.names.memberSelector()}
	namespaces = []string{r.names.namespace}
	// The token Secret first: deleting the ServiceAccount would make kube-controller-manager
	// delete it unseen.
	deleted, err = r.deleteLabelledSecrets(ctx, m, metav1.NamespaceAll, sel.LabelSelector)
	if err != nil {
		return 0, nil, err
	}
	bindings, err := m.kube.RbacV1().ClusterRoleBindings().List(ctx, sel)
	if err != nil {
		return 0, nil, fmt.Errorf("listing ClusterRoleBindings: %w", err)
	}
	for _, b := range bindings.Items {
		if err := r.deleteMemberObject(ctx, "ClusterRoleBinding", b.Name, m.kube.RbacV1().ClusterRoleBindings()); err != nil {
			return 0, nil, err
		}
		deleted++
	}
	roles, err := m.kube.RbacV1().ClusterRoles().List(ctx, sel)
	if err != nil {
		return 0, nil, fmt.Errorf("listing ClusterRoles: %w", err)
	}
	for _, cr := range roles.Items {
		if err := r.deleteMemberObject(ctx, "ClusterRole", cr.Name, m.kube.RbacV1().ClusterRoles()); err != nil {
			return 0, nil, err
		}
		deleted++
	}
	accounts, err := m.kube.CoreV1().ServiceAccounts(metav1.NamespaceAll).List(ctx, sel)
	if err != nil {
		return 0, nil, fmt.Errorf("listing ServiceAccounts: %w", err)
	}
	for _, sa := range accounts.Items {
		if err := r.deleteMemberObject(ctx, "ServiceAccount", sa.Namespace+"/"+sa.Name, m.kube.CoreV1().ServiceAccounts(sa.Namespace)); err != nil {
			return 0, nil, err
		}
		deleted++
		if sa.Namespace != r.names.namespace {
			namespaces = append(namespaces, sa.Namespace)
		}
	}
	return deleted, namespaces, nil
}

// deleteMemberObject deletes an object listed a moment ago; key is its name or namespace/name.
func (r *unjoinRun) deleteMemberObject(ctx context.Context, kind, key string, api interface {
	Delete(context.Context, string, metav1.DeleteOptions) error
}) error {
	done, err := deleteIfExists(ctx, api, key[strings.LastIndex(key, "/")+1:])
	if err != nil {
		return fmt.Errorf("deleting %s %s: %w", kind, key, err)
	}
	if done {
		r.member.printf(r.progress, "%s %s deleted", kind, key)
	}
	return nil
}

func (r *unjoinRun) deleteLabelledSecrets(ctx context.Context, c *conn, namespace, selector string) (int, error) {
	list, err := c.kube.CoreV1().Secrets(namespace).List(ctx, metav1.ListOptions{LabelSelector: selector})
	if err != nil {
		return 0, fmt.Errorf("listing Secrets labelled %s: %w", selector, err)
	}
	for _, s := range list.Items {
		if _, err := deleteIfExists(ctx, c.kube.CoreV1().Secrets(s.Namespace), s.Name); err != nil {
			return 0, fmt.Errorf("deleting Secret %s/%s: %w", s.Namespace, s.Name, err)
		}
		c.printf(r.progress, "Secret %s/%s deleted", s.Namespace, s.Name)
	}
	return len(list.Items), nil
}

func deleteIfExists(ctx context.Context, api interface {
	Delete(context.Context, string, metav1.DeleteOptions) error
}, name string) (bool, error) {
	err := api.Delete(ctx, name, metav1.DeleteOptions{})
	if apierrors.IsNotFound(err) {
		return false, nil
	}
	return err == nil, err
}

// deleteNamespaceIfUnused deletes a namespace join created, unless another member's
// credentials or any KubeFedCluster are still in it: several members, or a host that joined
// itself, share it.
func deleteNamespaceIfUnused(ctx context.Context, c *conn, name string) (bool, error) {
	ns, err := c.kube.CoreV1().Namespaces().Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("reading Namespace %s: %w", name, err)
	}
	if ns.Labels[LabelManagedBy] != ManagedBy || ns.DeletionTimestamp != nil {
		return false, nil
	}
	inUse, err := namespaceInUse(ctx, c, name)
	if err != nil || inUse {
		return false, err
	}
	if _, err := deleteIfExists(ctx, c.kube.CoreV1().Namespaces(), name); err != nil {
		return false, fmt.Errorf("deleting Namespace %s: %w", name, err)
	}
	return true, nil
}

func namespaceInUse(ctx context.Context, c *conn, ns string) (bool, error) {
	anyMember := metav1.ListOptions{LabelSelector: LabelCluster, Limit: 1}
	accounts, err := c.kube.CoreV1().ServiceAccounts(ns).List(ctx, anyMember)
	if err != nil {
		return false, fmt.Errorf("listing ServiceAccounts in %s: %w", ns, err)
	}
	secrets, err := c.kube.CoreV1().Secrets(ns).List(ctx, anyMember)
	if err != nil {
		return false, fmt.Errorf("listing Secrets in %s: %w", ns, err)
	}
	clusters, err := newKubeFedClusters(c.dyn, ns).List(ctx, metav1.ListOptions{Limit: 1})
	if err != nil && !apierrors.IsNotFound(err) {
		return false, fmt.Errorf("listing KubeFedClusters in %s: %w", ns, err)
	}
	return len(accounts.Items) > 0 || len(secrets.Items) > 0 || (clusters != nil && len(clusters.Items) > 0), nil
}
