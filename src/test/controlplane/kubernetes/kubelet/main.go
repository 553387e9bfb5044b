// The kubelet of the in-cluster tests, built from the Go module proxy with the same
// k8s.io/kubernetes version as the API server: it runs the operator's pod on a one-node cluster,
// through containerd.
package main

import (
	"context"
	"os"

	"k8s.io/component-base/cli"
	"k8s.io/kubernetes/cmd/kubelet/app"
)

func main() {
	os.Exit(cli.Run(app.NewKubeletCommand(context.Background())))
}
