package dev.metalprov.server;

import dev.metalprov.api.v1alpha1.ServerState;

/** What the operator does for a server in one state: decides a {@link Plan} from a {@link Situation}. */
public interface StateHandler {

    ServerState state();

    Plan handle(Situation situation);
}
