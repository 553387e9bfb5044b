package dev.metalprov.claim;

import java.util.List;

import dev.metalprov.api.v1alpha1.ObjectReference;
import dev.metalprov.api.v1alpha1.Server;

/** The informer index that finds the servers a claim holds without scanning every server. */
public final class ServerIndex {

    public static final String BY_CLAIM = "byClaim";

    private ServerIndex() {
    }

    public static String claimKey(String namespace, String name) {
        return namespace + "/" + name;
    }

    /** Index function: the claim a server is bound to, if any. */
    public static List<String> claimOf(Server server) {
        ObjectReference ref = server.getSpec() == null ? null : server.getSpec().getServerClaimRef();
        return ref == null ? List.of() : List.of(claimKey(ref.getNamespace(), ref.getName()));
    }
}
