// Command garde is Garde's single binary: the server and its administration commands.
package main

import (
	"os"

	"github.com/garde-privacy/garde/internal/cli"
)

func main() { os.Exit(cli.Execute()) }
