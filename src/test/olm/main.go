// Command olmbundle writes the operator's OLM bundle from deploy/ and checks it with
// operator-framework's own validators.
//
//	olmbundle generate -base CSV -icon SVG -crds DIR -rendered YAML -examples DIR[,DIR] -version V -out DIR
//	olmbundle validate DIR
//
// generate takes the texts and descriptors from the base CSV, and everything else from what
// users install: the CRDs, and the Deployment, RBAC, Services and PodDisruptionBudget of a
// rendered kustomize overlay. The operator's ClusterRoles become the CSV's clusterPermissions;
// ClusterRoles aggregated into others (the tenants' roles) and the PodDisruptionBudget go into
// the bundle's manifests as objects of their own. Its output is deterministic, so that a test can
// compare it with the committed bundle.
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/blang/semver/v4"
	"github.com/operator-framework/api/pkg/lib/version"
	"github.com/operator-framework/api/pkg/manifests"
	"github.com/operator-framework/api/pkg/operators/v1alpha1"
	"github.com/operator-framework/api/pkg/validation"
	validationerrors "github.com/operator-framework/api/pkg/validation/errors"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

const (
	packageName    = "metal-operator"
	channel        = "candidate"
	serviceAccount = "metal-operator"
)

// The bundle's metadata, written both to metadata/annotations.yaml and as labels of bundle.Dockerfile.
var bundleAnnotations = [][2]string{
	{"operators.operatorframework.io.bundle.mediatype.v1", "registry+v1"},
	{"operators.operatorframework.io.bundle.manifests.v1", "manifests/"},
	{"operators.operatorframework.io.bundle.metadata.v1", "metadata/"},
	{"operators.operatorframework.io.bundle.package.v1", packageName},
	{"operators.operatorframework.io.bundle.channels.v1", channel},
	{"operators.operatorframework.io.bundle.channel.default.v1", channel},
}

func main() {
	if len(os.Args) < 2 {
		fail(errors.New("usage: olmbundle generate|validate ..."))
	}
	var err error
	switch os.Args[1] {
	case "generate":
		err = generateCommand(os.Args[2:])
	case "validate":
		if len(os.Args) != 3 {
			err = errors.New("usage: olmbundle validate BUNDLE-DIR")
		} else {
			err = validate(os.Args[2])
		}
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "olmbundle:", err)
	os.Exit(1)
}

type inputs struct {
	base, icon, crds, rendered, examples, version, out string
}

func generateCommand(args []string) error {
	var in inputs
	flags := flag.NewFlagSet("generate", flag.ContinueOnError)
	flags.StringVar(&in.base, "base", "", "the base ClusterServiceVersion (texts and descriptors)")
	flags.StringVar(&in.icon, "icon", "", "the SVG icon")
	flags.StringVar(&in.crds, "crds", "", "the folder of generated CRDs")
	flags.StringVar(&in.rendered, "rendered", "", "the rendered kustomize overlay")
	flags.StringVar(&in.examples, "examples", "", "comma-separated folders whose metal.ironcore.dev objects become alm-examples")
	flags.StringVar(&in.version, "version", "", "the bundle's version (semver)")
	flags.StringVar(&in.out, "out", "", "the bundle folder to write")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if in.base == "" || in.icon == "" || in.crds == "" || in.rendered == "" || in.version == "" || in.out == "" {
		return errors.New("generate needs -base, -icon, -crds, -rendered, -version and -out")
	}
	return generate(in)
}

func generate(in inputs) error {
	var csv v1alpha1.ClusterServiceVersion
	if err := readYAML(in.base, &csv); err != nil {
		return err
	}
	crds, crdFiles, err := readCRDs(in.crds)
	if err != nil {
		return err
	}
	objects, err := readObjects(in.rendered)
	if err != nil {
		return err
	}
	var deployment *appsv1.Deployment
	var clusterRules, namespaceRules []rbacv1.PolicyRule
	var services []*unstructured.Unstructured
	// Objects that go into the bundle's manifests as they are (kinds OLM installs from a bundle).
	var shipped []*unstructured.Unstructured
	for _, object := range objects {
		switch object.GetKind() {
		case "Deployment":
			deployment = &appsv1.Deployment{}
			if err := convert(object, deployment); err != nil {
				return err
			}
		case "ClusterRole":
			if aggregated(object) {
				// A role for the cluster's users (aggregated into admin/edit/view), not the
				// operator's own permission: shipped as it is, OLM creates it beside the CSV.
				shipped = append(shipped, object)
				continue
			}
			var role rbacv1.ClusterRole
			if err := convert(object, &role); err != nil {
				return err
			}
			clusterRules = append(clusterRules, role.Rules...)
		case "PodDisruptionBudget":
			// OLM creates it in the namespace the operator is installed to.
			object.SetNamespace("")
			shipped = append(shipped, object)
		case "Role":
			var role rbacv1.Role
			if err := convert(object, &role); err != nil {
				return err
			}
			namespaceRules = append(namespaceRules, role.Rules...)
		case "Service":
			object.SetNamespace("")
			services = append(services, object)
		case "Namespace", "CustomResourceDefinition", "ServiceAccount", "ClusterRoleBinding", "RoleBinding":
			// OLM creates the namespace's OperatorGroup, the ServiceAccount and the bindings itself;
			// the CRDs are taken from their own folder.
		default:
			return fmt.Errorf("%s %s: no place for this kind in the bundle", object.GetKind(), object.GetName())
		}
	}
	if deployment == nil {
		return errors.New(in.rendered + " has no Deployment")
	}
	if deployment.Spec.Template.Spec.ServiceAccountName != serviceAccount {
		return fmt.Errorf("the Deployment runs as %q, not %q", deployment.Spec.Template.Spec.ServiceAccountName, serviceAccount)
	}

	csv.Name = packageName + ".v" + in.version
	parsed, err := semver.Parse(in.version)
	if err != nil {
		return fmt.Errorf("version %q: %w", in.version, err)
	}
	csv.Spec.Version = version.OperatorVersion{Version: parsed}
	if csv.Annotations == nil {
		csv.Annotations = map[string]string{}
	}
	csv.Annotations["containerImage"] = deployment.Spec.Template.Spec.Containers[0].Image
	relatedImages, err := relatedImages(deployment)
	if err != nil {
		return err
	}
	csv.Spec.RelatedImages = relatedImages
	if in.examples != "" {
		examples, err := readExamples(strings.Split(in.examples, ","))
		if err != nil {
			return err
		}
		csv.Annotations["alm-examples"] = examples
	}
	icon, err := os.ReadFile(in.icon)
	if err != nil {
		return err
	}
	csv.Spec.Icon = []v1alpha1.Icon{{Data: base64.StdEncoding.EncodeToString(icon), MediaType: "image/svg+xml"}}
	if err := ownCRDs(&csv, crds); err != nil {
		return err
	}
	csv.Spec.InstallStrategy = v1alpha1.NamedInstallStrategy{
		StrategyName: v1alpha1.InstallStrategyNameDeployment,
		StrategySpec: v1alpha1.StrategyDetailsDeployment{
			DeploymentSpecs: []v1alpha1.StrategyDeploymentSpec{{
				Name:  deployment.Name,
				Label: deployment.Labels,
				Spec:  deployment.Spec,
			}},
			ClusterPermissions: []v1alpha1.StrategyDeploymentPermissions{{ServiceAccountName: serviceAccount, Rules: clusterRules}},
			Permissions:        []v1alpha1.StrategyDeploymentPermissions{{ServiceAccountName: serviceAccount, Rules: namespaceRules}},
		},
	}

	manifestsDir := filepath.Join(in.out, "manifests")
	metadataDir := filepath.Join(in.out, "metadata")
	if err := os.RemoveAll(in.out); err != nil {
		return err
	}
	for _, dir := range []string{manifestsDir, metadataDir} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	if err := writeYAML(filepath.Join(manifestsDir, packageName+".clusterserviceversion.yaml"), &csv); err != nil {
		return err
	}
	for i, crd := range crds {
		// The CRDs byte for byte as the build generated them.
		data, err := os.ReadFile(crdFiles[i])
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(manifestsDir, crd.Spec.Group+"_"+crd.Spec.Names.Plural+".yaml"), data, 0o644); err != nil {
			return err
		}
	}
	for _, service := range services {
		if err := writeYAML(filepath.Join(manifestsDir, service.GetName()+"_v1_service.yaml"), service.Object); err != nil {
			return err
		}
	}
	for _, object := range shipped {
		// Named as operator-sdk names a bundle's other objects: name_group_version_kind.
		group, version := "", object.GetAPIVersion()
		if slash := strings.Index(version, "/"); slash >= 0 {
			group, version = version[:slash]+"_", version[slash+1:]
		}
		file := object.GetName() + "_" + group + version + "_" + strings.ToLower(object.GetKind()) + ".yaml"
		if err := writeYAML(filepath.Join(manifestsDir, file), object.Object); err != nil {
			return err
		}
	}
	var annotations strings.Builder
	var dockerfile strings.Builder
	annotations.WriteString("annotations:\n")
	dockerfile.WriteString("# The bundle image: docker build -f bundle.Dockerfile -t <registry>/metal-operator-bundle:v" + in.version + " .\n")
	dockerfile.WriteString("FROM scratch\n\n")
	for _, a := range bundleAnnotations {
		fmt.Fprintf(&annotations, "  %s: %s\n", a[0], a[1])
		fmt.Fprintf(&dockerfile, "LABEL %s=%s\n", a[0], a[1])
	}
	dockerfile.WriteString("\nCOPY manifests /manifests/\nCOPY metadata /metadata/\n")
	if err := os.WriteFile(filepath.Join(metadataDir, "annotations.yaml"), []byte(annotations.String()), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(in.out, "bundle.Dockerfile"), []byte(dockerfile.String()), 0o644)
}

// aggregated says whether a ClusterRole is aggregated into other roles (a label
// rbac.authorization.k8s.io/aggregate-to-<role>: "true"), as the roles for tenants are: such a
// role grants nothing to the operator and must keep its own name and labels to be aggregated.
func aggregated(object *unstructured.Unstructured) bool {
	for label, value := range object.GetLabels() {
		if strings.HasPrefix(label, "rbac.authorization.k8s.io/aggregate-to-") && value == "true" {
			return true
		}
	}
	return false
}

// relatedImages lists the image of every container of the Deployment, by the container's name, as
// OLM's mirroring tools read them (spec.relatedImages). Each must be fully qualified: a registry
// host, a repository and a tag or digest, so that a mirror knows what to copy and a node never
// falls back to Docker Hub or a :latest tag.
func relatedImages(deployment *appsv1.Deployment) ([]v1alpha1.RelatedImage, error) {
	var images []v1alpha1.RelatedImage
	pod := deployment.Spec.Template.Spec
	for _, container := range append(append([]corev1.Container{}, pod.InitContainers...), pod.Containers...) {
		if !fullyQualified(container.Image) {
			return nil, fmt.Errorf("container %q: image %q is not fully qualified (registry/repository:tag)", container.Name, container.Image)
		}
		images = append(images, v1alpha1.RelatedImage{Name: container.Name, Image: container.Image})
	}
	return images, nil
}

// fullyQualified says whether an image reference names its registry host and a tag or digest.
func fullyQualified(image string) bool {
	slash := strings.Index(image, "/")
	if slash <= 0 {
		return false
	}
	host := image[:slash]
	if !strings.ContainsAny(host, ".:") && host != "localhost" {
		return false
	}
	rest := image[slash+1:]
	return strings.Contains(rest, "@") || strings.Contains(rest[strings.LastIndex(rest, "/")+1:], ":")
}

// ownCRDs fills in name, version and kind of each owned CRD from the CRD itself, and checks that
// the base describes every CRD, and nothing else, with descriptors whose paths the schema has.
func ownCRDs(csv *v1alpha1.ClusterServiceVersion, crds []apiextensionsv1.CustomResourceDefinition) error {
	described := map[string]v1alpha1.CRDDescription{}
	for _, d := range csv.Spec.CustomResourceDefinitions.Owned {
		described[d.Kind] = d
	}
	var owned []v1alpha1.CRDDescription
	for _, crd := range crds {
		d, ok := described[crd.Spec.Names.Kind]
		if !ok {
			return fmt.Errorf("the base CSV does not describe %s", crd.Spec.Names.Kind)
		}
		delete(described, crd.Spec.Names.Kind)
		if len(crd.Spec.Versions) != 1 {
			return fmt.Errorf("%s: one served version expected", crd.Name)
		}
		version := crd.Spec.Versions[0]
		d.Name = crd.Name
		d.Version = version.Name
		if err := checkPaths(crd, "spec", d.SpecDescriptors); err != nil {
			return err
		}
		if err := checkPaths(crd, "status", statusPaths(d.StatusDescriptors)); err != nil {
			return err
		}
		owned = append(owned, d)
	}
	for kind := range described {
		return fmt.Errorf("the base CSV describes %s, which is no CRD of the operator", kind)
	}
	sort.Slice(owned, func(i, j int) bool { return owned[i].Name < owned[j].Name })
	csv.Spec.CustomResourceDefinitions.Owned = owned
	return nil
}

func statusPaths(descriptors []v1alpha1.StatusDescriptor) []v1alpha1.SpecDescriptor {
	var paths []v1alpha1.SpecDescriptor
	for _, d := range descriptors {
		paths = append(paths, v1alpha1.SpecDescriptor{Path: d.Path})
	}
	return paths
}

func checkPaths(crd apiextensionsv1.CustomResourceDefinition, root string, descriptors []v1alpha1.SpecDescriptor) error {
	schema := crd.Spec.Versions[0].Schema.OpenAPIV3Schema
	for _, d := range descriptors {
		node, ok := schema.Properties[root]
		for _, part := range strings.Split(d.Path, ".") {
			if !ok {
				break
			}
			node, ok = node.Properties[part]
		}
		if !ok {
			return fmt.Errorf("%s: the descriptor path %s.%s is not in the schema", crd.Name, root, d.Path)
		}
	}
	return nil
}

func readCRDs(dir string) ([]apiextensionsv1.CustomResourceDefinition, []string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.yml"))
	if err != nil {
		return nil, nil, err
	}
	sort.Strings(files)
	var crds []apiextensionsv1.CustomResourceDefinition
	for _, file := range files {
		var crd apiextensionsv1.CustomResourceDefinition
		if err := readYAML(file, &crd); err != nil {
			return nil, nil, err
		}
		crds = append(crds, crd)
	}
	if len(crds) == 0 {
		return nil, nil, errors.New("no CRDs in " + dir)
	}
	return crds, files, nil
}

func readObjects(file string) ([]*unstructured.Unstructured, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var objects []*unstructured.Unstructured
	for _, document := range splitDocuments(data) {
		object := &unstructured.Unstructured{}
		if err := yaml.Unmarshal(document, &object.Object); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		if len(object.Object) > 0 {
			objects = append(objects, object)
		}
	}
	return objects, nil
}

// readExamples gathers the metal.ironcore.dev objects of the folders, one example per kind
// (the first in file order), as the JSON array OperatorHub reads.
func readExamples(dirs []string) (string, error) {
	seen := map[string]bool{}
	var examples []map[string]interface{}
	for _, dir := range dirs {
		files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
		if err != nil {
			return "", err
		}
		sort.Strings(files)
		for _, file := range files {
			objects, err := readObjects(file)
			if err != nil {
				return "", err
			}
			for _, object := range objects {
				if !strings.HasPrefix(object.GetAPIVersion(), "metal.ironcore.dev/") || seen[object.GetKind()] {
					continue
				}
				seen[object.GetKind()] = true
				delete(object.Object, "status")
				examples = append(examples, object.Object)
			}
		}
	}
	sort.SliceStable(examples, func(i, j int) bool { return examples[i]["kind"].(string) < examples[j]["kind"].(string) })
	data, err := json.MarshalIndent(examples, "", "  ")
	return string(data), err
}

func splitDocuments(data []byte) [][]byte {
	var documents [][]byte
	for _, document := range bytes.Split(append([]byte("\n"), data...), []byte("\n---")) {
		if len(bytes.TrimSpace(document)) > 0 {
			documents = append(documents, document)
		}
	}
	return documents
}

func convert(object *unstructured.Unstructured, into interface{}) error {
	data, err := json.Marshal(object.Object)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, into)
}

func readYAML(file string, into interface{}) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	if err := yaml.UnmarshalStrict(data, into); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	return nil
}

// writeYAML writes the object with sorted keys and without the empty values (null,
// creationTimestamp, empty status) that the typed structs bring along.
func writeYAML(file string, object interface{}) error {
	data, err := json.Marshal(object)
	if err != nil {
		return err
	}
	var tree interface{}
	if err := json.Unmarshal(data, &tree); err != nil {
		return err
	}
	tree = prune(tree)
	if m, ok := tree.(map[string]interface{}); ok {
		delete(m, "status")
	}
	out, err := yaml.Marshal(tree)
	if err != nil {
		return err
	}
	return os.WriteFile(file, out, 0o644)
}

func prune(value interface{}) interface{} {
	switch v := value.(type) {
	case map[string]interface{}:
		for key, child := range v {
			pruned := prune(child)
			if pruned == nil {
				delete(v, key)
				continue
			}
			if m, ok := pruned.(map[string]interface{}); ok && len(m) == 0 && key != "emptyDir" {
				delete(v, key)
				continue
			}
			v[key] = pruned
		}
		return v
	case []interface{}:
		for i, child := range v {
			v[i] = prune(child)
		}
		return v
	default:
		return v
	}
}

// validate runs operator-framework's validators over the bundle: the default bundle validators
// (CSV, CRDs, bundle), OperatorHub's (v2, capabilities, categories), good practices and the
// deprecated-API check against the bundle's minimum Kubernetes version. Errors fail; so do
// warnings, except the ones listed in allowedWarnings with the reason.
func validate(dir string) error {
	bundle, err := manifests.GetBundleFromDir(dir)
	if err != nil {
		return fmt.Errorf("loading the bundle in %s: %w", dir, err)
	}
	if bundle.CSV == nil {
		return errors.New(dir + " holds no ClusterServiceVersion")
	}
	validators := validation.DefaultBundleValidators.WithValidators(
		validation.OperatorHubV2Validator,
		validation.StandardCapabilitiesValidator,
		validation.StandardCategoriesValidator,
		validation.GoodPracticesValidator,
		validation.AlphaDeprecatedAPIsValidator,
	)
	optional := map[string]string{"k8s-version": bundle.CSV.Spec.MinKubeVersion}
	objects := append(bundle.ObjectsToValidate(), optional)
	problems := 0
	for _, result := range validators.Validate(objects...) {
		problems += report(result.Name, "error", result.Errors)
		problems += report(result.Name, "warning", filterWarnings(result.Warnings))
	}
	if problems > 0 {
		return fmt.Errorf("%d problems in the bundle %s", problems, dir)
	}
	fmt.Printf("bundle %s (%s, %d CRDs, %d other objects) passes operator-framework's validators\n",
		bundle.CSV.Name, bundle.CSV.Spec.Version.String(), len(bundle.V1CRDs), len(bundle.Objects)-1-len(bundle.V1CRDs))
	return nil
}

// allowedWarnings: none so far; a warning the bundle cannot avoid goes here, with its reason.
var allowedWarnings = []string{}

func filterWarnings(warnings []validationerrors.Error) []validationerrors.Error {
	var kept []validationerrors.Error
	for _, w := range warnings {
		allowed := false
		for _, a := range allowedWarnings {
			if strings.Contains(w.Error(), a) {
				allowed = true
			}
		}
		if !allowed {
			kept = append(kept, w)
		}
	}
	return kept
}

func report(name, level string, problems []validationerrors.Error) int {
	for _, p := range problems {
		fmt.Fprintf(os.Stderr, "%s %s: %s\n", level, name, p.Error())
	}
	return len(problems)
}
