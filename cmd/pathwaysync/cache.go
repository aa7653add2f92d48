package main

import (
	"log/slog"
	"os"
	"path/filepath"

	"github.com/pathwaysync/pathwaysync/config"
	"github.com/pathwaysync/pathwaysync/githubsync"
	"github.com/pathwaysync/pathwaysync/internal/objcache"
)

// serveCacheBytes is what serve keeps of git objects in memory, in front
// of the cache folder: the listings of a 10,000-pathway catalog are about
// 10 MiB.
const serveCacheBytes = 32 << 20

// objectCache opens the cache of git objects sync.cache_dir configures,
// with a memory layer in front for serve (memory). A folder that cannot
// be used is logged and left out: syncs then read more, nothing else.
func objectCache(cfg *config.Config, log *slog.Logger, memory bool) githubsync.Cache {
	dir := cfg.Sync.CacheDir
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			log.Info("no cache folder for git objects: set sync.cache_dir", "error", err)
			dir = "off"
		} else {
			dir = filepath.Join(base, "pathwaysync")
		}
	}
	var d *objcache.Dir
	if dir != "off" {
		var err error
		if d, err = objcache.OpenDir(dir, cfg.Sync.CacheMaxBytes); err != nil {
			log.Warn("cache folder unusable; git objects are read from GitHub each sync", "error", err)
		}
	}
	switch {
	case memory && d != nil:
		return objcache.Layered{Memory: objcache.NewMemory(serveCacheBytes), Dir: d}
	case memory:
		return objcache.NewMemory(serveCacheBytes)
	case d != nil:
		return d
	}
	return nil
}
