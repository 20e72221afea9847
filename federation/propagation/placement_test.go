package propagation

import (
	"slices"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

func federated(t *testing.T, doc string) *unstructured.Unstructured {
	t.Helper()
	obj := map[string]any{}
	if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
		t.Fatal(err)
	}
	return &unstructured.Unstructured{Object: obj}
}

func TestPlacementSelect(t *testing.T) {
	clusters := []Cluster{
		{Name: "vulcan", Labels: map[string]string{"region": "eu"}},
		{Name: "earth", Labels: map[string]string{"region": "us"}},
		{Name: "mars"},
	}
	tests := []struct {
		name              string
		spec              string
		selected, unknown []string
	}{
		{"neither field: no clusters", "spec: {placement: {}}", nil, nil},
		{"no placement at all: no clusters", "spec: {}", nil, nil},
		{"empty clusters list: none, selector ignored", "spec: {placement: {clusters: [], clusterSelector: {}}}", nil, nil},
		{"clusters list wins over selector", "spec: {placement: {clusters: [{name: earth}], clusterSelector: {matchLabels: {region: eu}}}}", []string{"earth"}, nil},
		{"empty selector: all clusters", "spec: {placement: {clusterSelector: {}}}", []string{"earth", "mars", "vulcan"}, nil},
		{"selector by label", "spec: {placement: {clusterSelector: {matchLabels: {region: eu}}}}", []string{"vulcan"}, nil},
		{"selector expression", "spec: {placement: {clusterSelector: {matchExpressions: [{key: region, operator: Exists}]}}}", []string{"earth", "vulcan"}, nil},
		{"unknown clusters reported, known still selected", "spec: {placement: {clusters: [{name: pluto}, {name: vulcan}, {name: vulcan}]}}", []string{"vulcan"}, []string{"pluto"}},
		{"null clusters is absent", "spec: {placement: {clusters: null, clusterSelector: {}}}", []string{"earth", "mars", "vulcan"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := PlacementOf(federated(t, tt.spec))
			if err != nil {
				t.Fatal(err)
			}
			selected, unknown, err := p.Select(clusters)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(selected, tt.selected) || !slices.Equal(unknown, tt.unknown) {
				t.Errorf("selected %v unknown %v; want %v %v", selected, unknown, tt.selected, tt.unknown)
			}
		})
	}
}

func TestPlacementErrorsNameTheField(t *testing.T) {
	tests := []struct{ spec, field string }{
		{"spec: {placement: {clusters: [{nome: x}]}}", "spec.placement.clusters[0].name"},
		{"spec: {placement: {clusters: earth}}", "spec.placement.clusters"},
		{"spec: {placement: {clusterSelector: {matchExpressions: [{key: a, operator: Bogus}]}}}", "spec.placement.clusterSelector"},
	}
	for _, tt := range tests {
		p, err := PlacementOf(federated(t, tt.spec))
		if err == nil {
			_, _, err = p.Select([]Cluster{{Name: "a"}})
		}
		if err == nil || !strings.Contains(err.Error(), tt.field) {
			t.Errorf("%s: error %v, want one naming %s", tt.spec, err, tt.field)
		}
	}
}
