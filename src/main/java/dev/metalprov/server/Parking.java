package dev.metalprov.server;

import java.util.Map;

import dev.metalprov.api.v1alpha1.Metal;
import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerState;

/** Whether a server is parked, or asked to be: read from its metadata, which a lost status does not touch. */
public final class Parking {

    private Parking() {
    }

    /** The operator parked it: the durable mark is set. */
    public static boolean parked(Server server) {
        Map<String, String> annotations = server.getMetadata().getAnnotations();
        return annotations != null && annotations.containsKey(Metal.PARKED_ANNOTATION);
    }

    /** Parked, or a park is asked for: the claim's side stands down for either, as upstream's does. */
    public static boolean parkedOrParking(Server server) {
        Map<String, String> annotations = server.getMetadata().getAnnotations();
        return parked(server) || (annotations != null && Operations.PARK.equals(annotations.get(Metal.OPERATION_ANNOTATION)));
    }

    /** A park is done only from these states (upstream's rule); asked elsewhere it waits until the server gets there. */
    static boolean parkable(ServerState state) {
        return state == ServerState.AVAILABLE || state == ServerState.RESERVED;
    }
}
