package main

// Stable error codes, one per step of `helm template`; the host maps each to a retry class.
const (
	codeBadRequest      = "BadRequest"
	codeInternal        = "Internal"
	codeChartInvalid    = "ChartInvalid"
	codeNotInstallable  = "NotInstallable"
	codeMissingDeps     = "DependencyMissing"
	codeReleaseName     = "ReleaseNameInvalid"
	codeValuesInvalid   = "ValuesInvalid"
	codeKubeVersion     = "KubeVersionInvalid"
	codeIncompatible    = "KubeVersionIncompatible"
	codeSchema          = "SchemaValidation"
	codeTemplate        = "TemplateError"
	codeManifestInvalid = "ManifestInvalid"
)

type failed struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
	Warnings []string `json:"warnings,omitempty"`
}

func failure(code, message string) *failed {
	f := &failed{}
	f.Error.Code = code
	f.Error.Message = message
	return f
}
