package container

import (
	"fmt"

	"github.com/strata-sec/strata/internal/podspec"
)

// named says which container a message is about, with the list it belongs to, so an init or
// debug container is not mistaken for the main one.
func named(c podspec.Container) string {
	switch c.Kind {
	case podspec.InitContainer:
		return fmt.Sprintf("init container %q", c.Container.Name)
	case podspec.EphemeralContainer:
		return fmt.Sprintf("ephemeral container %q", c.Container.Name)
	}
	return fmt.Sprintf("container %q", c.Container.Name)
}
