// The kube-controller-manager of the end-to-end tests, built from the Go module proxy with the
// same k8s.io/kubernetes version as the API server: it runs the namespace and garbage-collection
// controllers, so that deleting a namespace really deletes what is in it.
package main

import (
	"os"

	"k8s.io/component-base/cli"
	"k8s.io/kubernetes/cmd/kube-controller-manager/app"
)

func main() {
	os.Exit(cli.Run(app.NewControllerManagerCommand()))
}
