package dev.metalprov.claim;

import dev.metalprov.api.v1alpha1.ServerClaim;

/** Lets tests of other packages build the claims the claim tests use. */
public final class ClaimFlowTestAccess {

    private ClaimFlowTestAccess() {
    }

    public static ServerClaim claim(String namespace, String name, String serverName) {
        return ClaimFlowTest.claim(namespace, name, serverName, null);
    }
}
