package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// buildTime is when the binary was built, set by the Dockerfile with
// -ldflags "-X main.buildTime=…"; Go's build information records the
// commit's time but not the build's.
var buildTime string

// Version describes the running binary, from debug.ReadBuildInfo.
type Version struct {
	Module, Commit, CommitTime, BuildTime, Go string
	Modified                                  bool
}

// ReadVersion returns the binary's version: the module version ("(devel)"
// when built from a work tree), the VCS commit and its time when the build
// recorded them, and the build time when the build set it.
func ReadVersion() Version {
	v := Version{Module: "(unknown)", BuildTime: buildTime, Go: runtime.Version()}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return v
	}
	v.Module = info.Main.Version
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Commit = s.Value
		case "vcs.time":
			v.CommitTime = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		}
	}
	return v
}

func (v Version) String() string {
	s := "msgcenter " + v.Module
	if v.Commit != "" {
		s += " commit " + v.Commit
		if v.Modified {
			s += " (modified)"
		}
	}
	if v.CommitTime != "" {
		s += " committed " + v.CommitTime
	}
	if v.BuildTime != "" {
		s += " built " + v.BuildTime
	}
	return fmt.Sprintf("%s %s", s, v.Go)
}

func versionString() string { return ReadVersion().String() }
