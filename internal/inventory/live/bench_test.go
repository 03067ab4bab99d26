package live

import (
	"context"
	"fmt"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/strata-sec/strata/internal/inventory/live/livetest"
)

// BenchmarkLoad15k lists 15,000 pods (30 pages of 500) from the imitation API server with the
// default options. The server's JSON encoding is part of the time, so this is an upper bound of
// the client's cost; a real API server answers in protobuf.
func BenchmarkLoad15k(b *testing.B) {
	s := livetest.New(b)
	for i := range 15_000 {
		p := pod(fmt.Sprintf("team-%d", i%50), fmt.Sprintf("app-%05d", i))
		p.Labels = map[string]string{"app": p.Name}
		p.Spec.Containers[0].Resources.Limits = corev1.ResourceList{}
		p.ObjectMeta.Annotations = map[string]string{"owner": "team"}
		p.ObjectMeta.OwnerReferences = []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "rs", UID: "u"}}
		s.Add(p)
	}
	b.ReportAllocs()
	for b.Loop() {
		res, err := Load(context.Background(), s.Config(), Options{Kinds: []schema.GroupKind{podKind}})
		if err != nil || len(res.Objects) != 15_001 {
			b.Fatalf("load: %v, %d objects", err, len(res.Objects))
		}
	}
}
