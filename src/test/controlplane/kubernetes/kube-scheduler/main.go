// The kube-scheduler of the in-cluster tests, built from the Go module proxy with the same
// k8s.io/kubernetes version as the API server: it binds the operator's pod to the one node.
package main

import (
	"os"

	"k8s.io/component-base/cli"
	"k8s.io/kubernetes/cmd/kube-scheduler/app"
)

func main() {
	os.Exit(cli.Run(app.NewSchedulerCommand()))
}
