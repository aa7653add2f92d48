// Package examples embeds the example pathways, the default source of
// every command when no source is configured, so that a fresh binary can
// export something without any set-up.
package examples

import "embed"

// Pathways holds pathways/*: the seed page and pathways in every format.
//
//go:embed pathways
var Pathways embed.FS

// Dir is the folder inside Pathways that holds the examples.
const Dir = "pathways"
