// Package federate turns objects that exist in the host into federated objects, as kubefedctl
// federate did: a Federated<Kind> of the same name whose template is the object without what
// the cluster set, placed on every member cluster. For a namespace it can federate everything
// the user put in it, too.
package federate

import (
	"context"
	"errors"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
	"github.com/meridian-dns/meridian/federation/typeconfig"
)

// Options configure Federate.
type Options struct {
	typeconfig.HostOptions
	// Type names the object's type as kubectl does; Name is the object's name.
	Type, Name string
	// Namespace of the object; empty: the kubeconfig context's. Namespaces themselves ignore it.
	Namespace string
	// Contents, for a namespace, federates every user-owned object in it whose type is enabled.
	Contents bool
	// EnableType enables the type first when it has no FederatedTypeConfig.
	EnableType bool
	// DryRun computes the objects and writes nothing.
	DryRun bool
}

// ErrAlreadyFederated means the federated object exists already. Federate never overwrites it:
// its placement and overrides may have been edited since, and replacing its template with the
// host object's would silently change what every member runs.
var ErrAlreadyFederated = errors.New("already exists")

// run is one federate in progress.
type run struct {
	opts    Options
	host    *typeconfig.Host
	objects []runtime.Object
	created int
	skipped int
}

// Federate creates the Federated<Kind> for an object in the host (and, with Contents, for what
// its namespace holds). It returns what it created or, with DryRun, would create: with
// EnableType also the CRD and FederatedTypeConfig it wrote, first.
func Federate(ctx context.Context, o Options) ([]runtime.Object, error) {
	what := o.Type + " " + o.Name
	h, err := typeconfig.Connect(ctx, o.HostOptions)
	if err != nil {
		return nil, fmt.Errorf("federate %s: %w", what, err)
	}
	r := &run{opts: o, host: h}
	if err := r.do(ctx); err != nil {
		return r.objects, fmt.Errorf("federate %s: %w", what, err)
	}
	return r.objects, nil
}

func (r *run) do(ctx context.Context) error {
	target, err := r.host.Resolve(ctx, r.opts.Type)
	if err != nil {
		return err
	}
	isNamespace := target.Group == "" && target.Kind == "Namespace"
	if r.opts.Contents && !isNamespace {
		return fmt.Errorf("--contents federates what a namespace holds; %s is not namespaces", target.Name())
	}
	ftc, err := r.typeConfig(ctx, target)
	if err != nil {
		return err
	}
	obj, err := r.read(ctx, ftc)
	if err != nil {
		return err
	}
	if err := r.federate(ctx, ftc, obj, r.opts.Contents); err != nil {
		return err
	}
	if r.opts.Contents {
		if err := r.contents(ctx, obj.GetName()); err != nil {
			return fmt.Errorf("federating the contents of namespace %s: %w", obj.GetName(), err)
		}
	}
	r.summary(target, obj)
	return nil
}

// typeConfig returns the type's FederatedTypeConfig, enabling the type first if asked to.
func (r *run) typeConfig(ctx context.Context, target typeconfig.Resource) (*v1beta1.FederatedTypeConfig, error) {
	ftc, err := r.host.TypeConfig(ctx, target.Name())
	if apierrors.IsNotFound(err) {
		if !r.opts.EnableType {
			return nil, fmt.Errorf("type %s is not enabled for federation (there is no FederatedTypeConfig %s in %s): "+
				"run meridianctl enable %s first, or pass --enable-type", target.Name(), target.Name(), r.host.Namespace, target.Name())
		}
		ftc, objs, err := r.host.Enable(ctx, target, typeconfig.Federation{DryRun: r.opts.DryRun})
		if err != nil {
			return nil, fmt.Errorf("enabling %s: %w", target.Name(), err)
		}
		r.objects = append(r.objects, objs...)
		return ftc, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading FederatedTypeConfig %s/%s: %w", r.host.Namespace, target.Name(), err)
	}
	if ftc.Spec.Propagation != v1beta1.PropagationEnabled {
		r.host.Notef("propagation of %s is Disabled: its federated objects reach no member until meridianctl enable %s", ftc.Name, ftc.Name)
	}
	return ftc, nil
}

// read gets the object to federate, in the version the FederatedTypeConfig propagates, so the
// template has that version's fields.
func (r *run) read(ctx context.Context, ftc *v1beta1.FederatedTypeConfig) (*unstructured.Unstructured, error) {
	target := ftc.Spec.TargetType
	api := r.host.Dynamic.Resource(typeconfig.GVR(target))
	what := target.Kind + " " + r.opts.Name
	var obj *unstructured.Unstructured
	var err error
	if target.Scope == "Namespaced" {
		ns := r.opts.Namespace
		if ns == "" {
			ns = r.host.DefaultNamespace
		}
		what = target.Kind + " " + ns + "/" + r.opts.Name
		obj, err = api.Namespace(ns).Get(ctx, r.opts.Name, metav1.GetOptions{})
	} else {
		obj, err = api.Get(ctx, r.opts.Name, metav1.GetOptions{})
	}
	if apierrors.IsNotFound(err) {
		return nil, fmt.Errorf("%s does not exist in the host", what)
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", what, err)
	}
	return obj, nil
}

// federate creates the federated object for obj. An existing one is an error, or, when
// federating a namespace's contents (which is meant to be run again as the namespace fills),
// left as it is.
func (r *run) federate(ctx context.Context, ftc *v1beta1.FederatedTypeConfig, obj *unstructured.Unstructured, keepExisting bool) error {
	fedObj, err := federatedObject(ftc, obj)
	if err != nil {
		return err
	}
	r.objects = append(r.objects, fedObj)
	if r.opts.DryRun {
		return nil
	}
	api := r.host.Dynamic.Resource(typeconfig.GVR(ftc.Spec.FederatedType)).Namespace(fedObj.GetNamespace())
	_, err = api.Create(ctx, fedObj, metav1.CreateOptions{})
	switch {
	case apierrors.IsAlreadyExists(err) && keepExisting:
		r.host.Printf("%s already exists, left as it is", describe(fedObj))
		return nil
	case apierrors.IsAlreadyExists(err):
		return fmt.Errorf("%s %w in the host: federate never overwrites a federated object, whose placement and overrides "+
			"may have been edited; edit it, or delete it and federate again", describe(fedObj), ErrAlreadyFederated)
	case apierrors.IsNotFound(err):
		return fmt.Errorf("creating %s: the host does not serve %s (%s/%s): run meridianctl enable %s",
			describe(fedObj), ftc.Spec.FederatedType.Kind, ftc.Spec.FederatedType.Group, ftc.Spec.FederatedType.Version, ftc.Name)
	case err != nil:
		return fmt.Errorf("creating %s: %w", describe(fedObj), err)
	}
	r.created++
	r.host.Printf("%s created", describe(fedObj))
	return nil
}

func (r *run) summary(target typeconfig.Resource, obj *unstructured.Unstructured) {
	if r.opts.DryRun {
		return
	}
	if r.opts.Contents {
		r.host.Linef("namespace %s federated (federated objects created: %d, objects skipped: %d), placed on every member cluster",
			obj.GetName(), r.created, r.skipped)
		return
	}
	r.host.Linef("%s %s federated: placed on every member cluster (spec.placement.clusterSelector: {})", target.Kind, obj.GetName())
}
