package main

// request is one `helm template` invocation. Paths are chart-relative with `/` separators.
type request struct {
	// Chart: either the files of a chart directory or the bytes of a chart archive (.tgz).
	Chart struct {
		Files   []namedBytes `json:"files"`
		Archive []byte       `json:"archive"`
	} `json:"chart"`
	ReleaseName string `json:"releaseName"`
	Namespace   string `json:"namespace"`
	// ValueFiles in order, as `-f` gives them (later files win).
	ValueFiles []namedBytes `json:"valueFiles"`
	// Set and SetString are `--set` and `--set-string` expressions, applied after the files.
	Set       []string `json:"set"`
	SetString []string `json:"setString"`
	// KubeVersion (e.g. v1.32.0) and APIVersions (`G/V` or `G/V/Kind`) shape .Capabilities;
	// empty means Helm's defaults, as in `helm template`.
	KubeVersion string   `json:"kubeVersion"`
	APIVersions []string `json:"apiVersions"`
	IncludeCRDs bool     `json:"includeCrds"`
	IsUpgrade   bool     `json:"isUpgrade"`
}

type namedBytes struct {
	Name string `json:"name"`
	Data []byte `json:"data"`
}

// response is the sorted output: what `helm template` prints, in parts.
type response struct {
	Chart struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	} `json:"chart"`
	// CRDs from crds/ directories (the chart's and enabled subcharts'), when IncludeCRDs.
	CRDs []document `json:"crds"`
	// Manifests in Helm's install order (by kind, then file).
	Manifests []document `json:"manifests"`
	Hooks     []hook     `json:"hooks"`
	Notes     string     `json:"notes"`
	// Warnings Helm logged (coalescing, conditions, unknown hooks...).
	Warnings []string `json:"warnings"`
}

type document struct {
	// Source is the template path (`chart/templates/x.yaml`) as in `# Source:` lines.
	Source  string `json:"source"`
	Content string `json:"content"`
}

type hook struct {
	document
	Kind           string   `json:"kind"`
	Name           string   `json:"name"`
	Events         []string `json:"events"`
	Weight         int      `json:"weight"`
	DeletePolicies []string `json:"deletePolicies"`
}

type info struct {
	HelmVersion string `json:"helmVersion"`
	GoVersion   string `json:"goVersion"`
	KubeVersion string `json:"kubeVersion"`
}
