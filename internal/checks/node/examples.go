package node

import (
	"embed"
	"io/fs"
)

//go:embed testdata
var fixtures embed.FS

// Fixtures returns the layer's pass and fail fixtures (testdata/<ID>/{pass,fail}/*.yaml), which
// double as the examples 'strata checks explain' shows.
func Fixtures() fs.FS { return fixtures }
