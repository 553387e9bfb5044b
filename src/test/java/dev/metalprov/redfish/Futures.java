package dev.metalprov.redfish;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import dev.metalprov.server.BmcException;

/** Waiting on the client's futures in tests: always with a deadline. */
final class Futures {

    static final long DEADLINE_SECONDS = 30;

    private Futures() {
    }

    static <T> T await(CompletableFuture<T> future) {
        return future.orTimeout(DEADLINE_SECONDS, TimeUnit.SECONDS).join();
    }

    /** The failure of a future, which must be a BmcException as the cause of the CompletionException join throws. */
    static BmcException failure(CompletableFuture<?> future) {
        CompletionException e = assertThrows(CompletionException.class,
                () -> future.orTimeout(DEADLINE_SECONDS, TimeUnit.SECONDS).join());
        return assertInstanceOf(BmcException.class, e.getCause(), "the cause is the BmcException itself");
    }
}
