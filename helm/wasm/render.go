package main

import (
	"bytes"
	"fmt"
	"log"
	"path"
	"runtime"
	"strings"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	"helm.sh/helm/v3/pkg/releaseutil"
)

const notesFileSuffix = "NOTES.txt"

func engineInfo() info {
	caps := chartutil.DefaultCapabilities
	return info{
		HelmVersion: caps.HelmVersion.Version,
		GoVersion:   runtime.Version(),
		KubeVersion: caps.KubeVersion.Version,
	}
}

// renderChart repeats, in order, what `helm template --include-crds` does in client-only mode:
// cmd/helm runInstall, then action.Install.RunWithContext and Configuration.renderResources
// (the action package itself does not build for wasip1).
func renderChart(req *request) (*response, *failed) {
	var logged bytes.Buffer
	log.SetOutput(&logged)
	log.SetFlags(0)
	res, fail := renderSteps(req)
	warnings := splitLines(logged.String())
	if fail != nil {
		fail.Warnings = warnings
		return nil, fail
	}
	res.Warnings = warnings
	return res, nil
}

func renderSteps(req *request) (*response, *failed) {
	vals, err := mergeValues(req)
	if err != nil {
		return nil, failure(codeValuesInvalid, err.Error())
	}
	chrt, err := loadChart(req)
	if err != nil {
		return nil, failure(codeChartInvalid, err.Error())
	}
	switch chrt.Metadata.Type {
	case "", "application":
	default:
		return nil, failure(codeNotInstallable, fmt.Sprintf("%s charts are not installable", chrt.Metadata.Type))
	}
	if reqs := chrt.Metadata.Dependencies; reqs != nil {
		if err := checkDependencies(chrt, reqs); err != nil {
			return nil, failure(codeMissingDeps, err.Error())
		}
	}
	if err := chartutil.ValidateReleaseName(req.ReleaseName); err != nil {
		return nil, failure(codeReleaseName, fmt.Sprintf("release name %q: %s", req.ReleaseName, err))
	}
	if err := chartutil.ProcessDependenciesWithMerge(chrt, vals); err != nil {
		return nil, failure(codeChartInvalid, err.Error())
	}

	caps := chartutil.DefaultCapabilities.Copy()
	if req.KubeVersion != "" {
		kv, err := chartutil.ParseKubeVersion(req.KubeVersion)
		if err != nil {
			return nil, failure(codeKubeVersion, fmt.Sprintf("invalid kube version '%s': %s", req.KubeVersion, err))
		}
		caps.KubeVersion = *kv
	}
	caps.APIVersions = append(caps.APIVersions, req.APIVersions...)

	options := chartutil.ReleaseOptions{
		Name:      req.ReleaseName,
		Namespace: req.Namespace,
		Revision:  1,
		IsInstall: !req.IsUpgrade,
		IsUpgrade: req.IsUpgrade,
	}
	valuesToRender, err := chartutil.ToRenderValuesWithSchemaValidation(chrt, vals, options, caps, false)
	if err != nil {
		return nil, failure(codeSchema, err.Error())
	}
	return renderResources(chrt, valuesToRender, caps, req.IncludeCRDs)
}

// renderResources is action.Configuration.renderResources without the output directory,
// post-renderer and cluster access.
func renderResources(chrt *chart.Chart, values chartutil.Values, caps *chartutil.Capabilities, includeCRDs bool) (*response, *failed) {
	if chrt.Metadata.KubeVersion != "" && !chartutil.IsCompatibleRange(chrt.Metadata.KubeVersion, caps.KubeVersion.String()) {
		return nil, failure(codeIncompatible, fmt.Sprintf("chart requires kubeVersion: %s which is incompatible with Kubernetes %s", chrt.Metadata.KubeVersion, caps.KubeVersion.String()))
	}
	// A zero Engine has no cluster config: `lookup` returns an empty map, as in `helm template`.
	var e engine.Engine
	files, err := e.Render(chrt, values)
	if err != nil {
		return nil, failure(codeTemplate, err.Error())
	}

	res := &response{CRDs: []document{}, Manifests: []document{}, Hooks: []hook{}}
	res.Chart.Name = chrt.Name()
	res.Chart.Version = chrt.Metadata.Version
	var notes strings.Builder
	for k, v := range files {
		if strings.HasSuffix(k, notesFileSuffix) {
			// Only the top chart's notes (SubNotes is off in `helm template`).
			if k == path.Join(chrt.Name(), "templates", notesFileSuffix) {
				notes.WriteString(v)
			}
			delete(files, k)
		}
	}
	res.Notes = notes.String()

	hooks, manifests, err := releaseutil.SortManifests(files, nil, releaseutil.InstallOrder)
	if err != nil {
		return nil, failure(codeManifestInvalid, err.Error())
	}
	if includeCRDs {
		for _, crd := range chrt.CRDObjects() {
			res.CRDs = append(res.CRDs, document{Source: crd.Filename, Content: string(crd.File.Data)})
		}
	}
	for _, m := range manifests {
		res.Manifests = append(res.Manifests, document{Source: m.Name, Content: m.Content})
	}
	for _, h := range hooks {
		out := hook{
			document: document{Source: h.Path, Content: h.Manifest},
			Kind:     h.Kind, Name: h.Name, Weight: h.Weight,
			Events: []string{}, DeletePolicies: []string{},
		}
		for _, ev := range h.Events {
			out.Events = append(out.Events, string(ev))
		}
		for _, p := range h.DeletePolicies {
			out.DeletePolicies = append(out.DeletePolicies, string(p))
		}
		res.Hooks = append(res.Hooks, out)
	}
	return res, nil
}

// checkDependencies is action.CheckDependencies: every dependency in Chart.yaml must be
// vendored under charts/ (trueup never downloads during a render).
func checkDependencies(ch *chart.Chart, reqs []*chart.Dependency) error {
	var missing []string
outer:
	for _, r := range reqs {
		for _, d := range ch.Dependencies() {
			if d.Name() == r.Name {
				continue outer
			}
		}
		missing = append(missing, r.Name)
	}
	if len(missing) > 0 {
		return fmt.Errorf("found in Chart.yaml, but missing in charts/ directory: %s", strings.Join(missing, ", "))
	}
	return nil
}

func splitLines(s string) []string {
	out := []string{}
	for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}
