package main

// Go templates outside charts: ApplicationSet templates (goTemplate: true), image automation
// commit messages and notification messages. They are evaluated here, by Go's text/template and
// sprig, so users get exactly the functions and semantics Argo CD and Flux give them.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig/v3"
	"github.com/gosimple/slug"
	"sigs.k8s.io/yaml"
)

// templateRequest evaluates every item with the same options (`missingkey=error`, ...).
type templateRequest struct {
	Options []string       `json:"options"`
	Items   []templateItem `json:"items"`
}

type templateItem struct {
	Template string          `json:"template"`
	Data     json.RawMessage `json:"data"`
}

// templateResult is one item's output or its error; one bad item does not fail the others.
type templateResult struct {
	Output *string `json:"output,omitempty"`
	Error  string  `json:"error,omitempty"`
}

type templateResponse struct {
	Results []templateResult `json:"results"`
}

// templateFuncs are Argo CD's ApplicationSet functions: sprig's text functions without those that
// read the environment or the network, plus toYaml/fromYaml/fromYamlArray, normalize and slugify.
func templateFuncs() template.FuncMap {
	funcs := sprig.TxtFuncMap()
	for _, name := range []string{"env", "expandenv", "getHostByName"} {
		delete(funcs, name)
	}
	funcs["toYaml"] = toYAML
	funcs["fromYaml"] = fromYAML
	funcs["fromYamlArray"] = fromYAMLArray
	funcs["normalize"] = normalizeName
	funcs["slugify"] = slugifyName
	return funcs
}

func evaluateTemplates(req *templateRequest) *templateResponse {
	funcs := templateFuncs()
	parsed := map[string]*template.Template{}
	parseErrors := map[string]string{}
	out := &templateResponse{Results: make([]templateResult, len(req.Items))}
	for i, item := range req.Items {
		tmpl, seen := parsed[item.Template]
		if !seen {
			if msg, bad := parseErrors[item.Template]; bad {
				out.Results[i].Error = msg
				continue
			}
			t, err := parseTemplate(item.Template, req.Options, funcs)
			if err != nil {
				parseErrors[item.Template] = err.Error()
				out.Results[i].Error = err.Error()
				continue
			}
			parsed[item.Template] = t
			tmpl = t
		}
		var data any
		if len(item.Data) > 0 {
			if err := json.Unmarshal(item.Data, &data); err != nil {
				out.Results[i].Error = "decoding the template's data: " + err.Error()
				continue
			}
		}
		var buf bytes.Buffer
		if err := tmpl.Execute(&buf, data); err != nil {
			out.Results[i].Error = err.Error()
			continue
		}
		s := buf.String()
		out.Results[i].Output = &s
	}
	return out
}

// parseTemplate turns template.Option's panic on an unknown option into an error.
func parseTemplate(text string, options []string, funcs template.FuncMap) (t *template.Template, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("template options %q: %v", options, r)
		}
	}()
	return template.New("").Option(options...).Funcs(funcs).Parse(text)
}

func toYAML(v any) string {
	data, err := yaml.Marshal(v)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(string(data), "\n")
}

func fromYAML(s string) map[string]any {
	m := map[string]any{}
	if err := yaml.Unmarshal([]byte(s), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

func fromYAMLArray(s string) []any {
	var a []any
	if err := yaml.Unmarshal([]byte(s), &a); err != nil {
		a = []any{err.Error()}
	}
	return a
}

var invalidDNSNameChars = regexp.MustCompile(`[^-a-z0-9.]`)

// normalizeName makes a string a valid DNS subdomain name, as Argo CD's `normalize` does.
func normalizeName(name string) string {
	name = strings.ToLower(name)
	name = invalidDNSNameChars.ReplaceAllString(name, "-")
	if len(name) > 253 {
		name = name[:253]
	}
	return strings.Trim(name, "-.")
}

// slugifyName is Argo CD's `slugify [maxSize [smartTruncate]] text`: defaults 50 and true.
func slugifyName(args ...any) (string, error) {
	maxSize, smart, text := 50, true, ""
	if len(args) == 0 {
		return "", fmt.Errorf("slugify: no text")
	}
	for i, arg := range args {
		var ok bool
		switch {
		case i == len(args)-1:
			text, ok = arg.(string)
		case i == 0:
			maxSize, ok = arg.(int)
		case i == 1:
			smart, ok = arg.(bool)
		default:
			return "", fmt.Errorf("slugify: at most 3 arguments (maxSize, smartTruncate, text)")
		}
		if !ok {
			return "", fmt.Errorf("slugify: argument %d has type %T", i+1, arg)
		}
	}
	// gosimple/slug, as Argo CD uses it; its settings are globals, and the module runs one call
	// at a time.
	slug.MaxLength = maxSize
	slug.EnableSmartTruncate = smart
	return slug.Make(text), nil
}
