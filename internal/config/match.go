package config

import "path"

// pathMatch validates a glob pattern with the syntax the engine matches with (path.Match).
func pathMatch(pattern string) (bool, error) { return path.Match(pattern, "") }
