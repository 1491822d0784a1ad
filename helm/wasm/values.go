package main

import (
	"fmt"

	"helm.sh/helm/v3/pkg/strvals"
	"sigs.k8s.io/yaml"
)

// mergeValues is values.Options.MergeValues for in-memory value files, --set and --set-string
// (the values package itself pulls in getters that do not build for wasip1).
func mergeValues(req *request) (map[string]any, error) {
	base := map[string]any{}
	for _, f := range req.ValueFiles {
		current := map[string]any{}
		if err := yaml.Unmarshal(f.Data, &current); err != nil {
			return nil, fmt.Errorf("failed to parse %s: %w", f.Name, err)
		}
		base = mergeMaps(base, current)
	}
	for _, v := range req.Set {
		if err := strvals.ParseInto(v, base); err != nil {
			return nil, fmt.Errorf("failed parsing --set data: %w", err)
		}
	}
	for _, v := range req.SetString {
		if err := strvals.ParseIntoString(v, base); err != nil {
			return nil, fmt.Errorf("failed parsing --set-string data: %w", err)
		}
	}
	return base, nil
}

func mergeMaps(a, b map[string]any) map[string]any {
	out := make(map[string]any, len(a))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		if v, ok := v.(map[string]any); ok {
			if bv, ok := out[k]; ok {
				if bv, ok := bv.(map[string]any); ok {
					out[k] = mergeMaps(bv, v)
					continue
				}
			}
		}
		out[k] = v
	}
	return out
}
