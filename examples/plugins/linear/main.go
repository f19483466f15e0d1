// Command linear is an example third-party arena plugin: a student kind,
// "linear", that is a single linear layer (a linear policy), trained with
// Adam like every student of a match.
//
//	go build -o linear ./examples/plugins/linear
//
//	[[plugin]]
//	name = "linear"
//	path = "linear"
//
//	[[student]]
//	name = "linear"
//	kind = "linear"
package main

import (
	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/plugins/sdk"
)

func main() {
	sdk.Serve(sdk.Components{
		Name:    "linear",
		Version: "1.0.0",
		Students: map[string]framework.StudentMaker{
			Kind: func(cfg framework.StudentConfig) (framework.Student, error) { return New(cfg) },
		},
	})
}
