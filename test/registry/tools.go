//go:build tools

// The command build.sh builds; importing it pins its module in go.mod.
package tools

import (
	_ "github.com/distribution/distribution/v3/cmd/registry"
)
