package dev.metalprov.redfish;

import java.util.Optional;

import dev.metalprov.api.v1alpha1.BMC;
import dev.metalprov.api.v1alpha1.BMCSecret;

/** BMC objects and BMCSecrets by name, as a reconciler's informer caches hold them: no live read. */
public interface BmcDirectory {

    Optional<BMC> bmc(String name);

    Optional<BMCSecret> secret(String name);
}
