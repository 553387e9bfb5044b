package dev.metalprov.claim;

import java.util.Optional;

import dev.metalprov.api.v1alpha1.Server;

/**
 * What a claim holds: a server, nothing, nothing known until the informer catches up with a
 * bind, or a bind whose answer was lost, to be tried again on the same server.
 */
record Holding(Optional<Server> server, boolean waiting, Optional<Server> retry) {

    static final Holding FREE = new Holding(Optional.empty(), false, Optional.empty());
    static final Holding WAIT = new Holding(Optional.empty(), true, Optional.empty());

    static Holding of(Server server) {
        return new Holding(Optional.of(server), false, Optional.empty());
    }

    static Holding retry(Server server) {
        return new Holding(Optional.empty(), false, Optional.of(server));
    }
}
