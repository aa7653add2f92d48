//go:build tools

// Package deps pins modules the project uses before code imports them.
package deps

import (
	_ "github.com/bradleyfalzon/ghinstallation/v2"
	_ "github.com/google/go-github/v60/github"
	_ "github.com/hashicorp/go-retryablehttp"
	_ "github.com/prometheus/client_golang/prometheus"
	_ "github.com/robfig/cron/v3"
	_ "github.com/spf13/cobra"
	_ "github.com/spf13/viper"
	_ "github.com/yuin/goldmark"
	_ "golang.org/x/net/html"
	_ "sigs.k8s.io/yaml"
)
