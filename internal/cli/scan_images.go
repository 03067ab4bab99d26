package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/spf13/pflag"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/strata-sec/strata/internal/config"
	"github.com/strata-sec/strata/internal/imagefacts"
	"github.com/strata-sec/strata/internal/inventory"
	"github.com/strata-sec/strata/internal/podspec"
	"github.com/strata-sec/strata/internal/posture"
)

// scanImageFlags are scan's image flags: --images turns on image analysis; the policy flags
// (--allowed-registry, --require-signed) apply to the checks with or without it.
type scanImageFlags struct {
	Enabled bool
	imageFlags
}

func (f *scanImageFlags) AddFlags(fs *pflag.FlagSet) {
	fs.BoolVar(&f.Enabled, "images", false, "also analyse every image the workloads name (registry, or --image-layout offline) and evaluate the image checks")
	f.addFetchFlags(fs)
	f.addPolicyFlags(fs)
}

func (f *scanImageFlags) complete(fs *pflag.FlagSet, cfg *config.Config) {
	f.imageFlags.complete(fs, cfg)
}

func (f *scanImageFlags) validate() error {
	if !f.Enabled {
		for _, n := range f.changed {
			if n != "allowed-registry" && n != "require-signed" {
				return usageErrorf("--%s only applies when images are analysed: add --images", n)
			}
		}
		// Keys are only needed to verify, which only an analysis does.
		return nil
	}
	return f.imageFlags.validate()
}

// addImages analyses every image the inventory's workloads name, each distinct reference once,
// and adds the Image objects to the inventory. An image that cannot be analysed is an Image
// with Error (its checks not assessed) and an input error of the scan, never dropped.
func (o *scanOptions) addImages(ctx context.Context, in *scanInput) error {
	if !o.images.Enabled {
		return nil
	}
	ix, ok := in.inv.(*inventory.Index)
	if !ok {
		return fmt.Errorf("scan inventory %T cannot take image objects", in.inv)
	}
	setup, err := o.images.analyzer(ctx)
	if err != nil {
		return err
	}
	defer setup.close()
	written, analysed := workloadImages(ix)
	refs := uniqueStrings(analysed)
	facts := setup.analyzer.AnalyzeAll(ctx, refs)
	byRef := make(map[string]*imagefacts.Facts, len(refs))
	for i, ref := range refs {
		byRef[ref] = facts[i]
	}
	objs := make([]*imagefacts.Facts, 0, len(written))
	var failed []string
	for i, ref := range written {
		f := *byRef[analysed[i]]
		// The object is named as workloads write the image, so checks join it to them; the
		// Reference and Digest say what was analysed (the digest a pod runs, in a live scan).
		f.ObjectMeta = metav1.ObjectMeta{Name: ref}
		objs = append(objs, &f)
		if f.Error != "" {
			failed = append(failed, ref)
			in.errors = append(in.errors, posture.InputError{Message: fmt.Sprintf("image %s not analysed, its checks not assessed: %s", ref, f.Error)})
		}
	}
	for _, obj := range imageObjects(objs) {
		ix.Upsert(obj)
	}
	in.objects += len(objs)
	fmt.Fprintln(o.streams.ErrOut, imageSummary(objs, setup.analyzer.Stats()))
	if len(failed) > 0 {
		// The report lists why; stderr names them, since "N input error(s)" alone says nothing
		// when the report goes to a file or a pipe.
		fmt.Fprintf(o.streams.ErrOut, "%d image(s) could not be analysed (%s); their checks are not assessed\n", len(failed), joinFew(failed))
	}
	if setup.dbNote != "" {
		fmt.Fprintln(o.streams.ErrOut, setup.dbNote)
	}
	return nil
}

// workloadImages lists the distinct image references the workloads write, in inventory
// order, each with the reference to analyse: the digest a pod's status reports it runs when
// there is one (a tag may have moved since), the reference as written otherwise.
func workloadImages(ix *inventory.Index) (written, analysed []string) {
	seen := map[string]int{}
	for _, gk := range podspec.Kinds {
		for _, o := range ix.List(gk, "") {
			t, ok := podspec.Extract(o.Obj)
			if !ok {
				continue
			}
			running := runningDigests(o.Obj)
			for c := range podspec.Containers(t.Spec, t.Path) {
				img := c.Container.Image
				if img == "" {
					continue
				}
				pinned := pinnedRef(img, running[c.Container.Name])
				if i, ok := seen[img]; ok {
					if analysed[i] == img && pinned != img {
						analysed[i] = pinned
					}
					continue
				}
				seen[img] = len(written)
				written, analysed = append(written, img), append(analysed, pinned)
			}
		}
	}
	return written, analysed
}

// runningDigests maps a pod's container names to the image digests its status reports.
func runningDigests(obj any) map[string]string {
	pod, ok := obj.(*corev1.Pod)
	if !ok {
		return nil
	}
	out := map[string]string{}
	for _, list := range [][]corev1.ContainerStatus{pod.Status.InitContainerStatuses, pod.Status.ContainerStatuses, pod.Status.EphemeralContainerStatuses} {
		for _, s := range list {
			// imageID is "docker-pullable://repo@sha256:..." or "repo@sha256:..."; a bare
			// "sha256:..." is the local image ID (the config digest), not a manifest digest.
			if _, d, ok := strings.Cut(s.ImageID, "@"); ok && strings.HasPrefix(d, "sha256:") {
				out[s.Name] = d
			}
		}
	}
	return out
}

// pinnedRef is img's repository at digest, or img when there is no usable digest.
func pinnedRef(img, digest string) string {
	if digest == "" {
		return img
	}
	ref, err := name.ParseReference(img)
	if err != nil {
		return img
	}
	d, err := name.NewDigest(ref.Context().Name() + "@" + digest)
	if err != nil {
		return img
	}
	return d.String()
}

func uniqueStrings(in []string) []string {
	out := make([]string, 0, len(in))
	seen := make(map[string]bool, len(in))
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
