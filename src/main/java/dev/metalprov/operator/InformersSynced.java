package dev.metalprov.operator;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RuntimeInfo;
import io.quarkus.runtime.StartupEvent;

/**
 * Readiness: UP only once the operator has started and every event source of every controller
 * is healthy, which for an informer means it runs and has synced its cache.
 *
 * <p>It stands in for the Quarkus Operator SDK's own check, switched off in
 * application.properties: that one asks the SDK's {@code Operator} for its runtime information,
 * which waits on the lock the SDK holds while it starts, up to the cache sync timeout for each
 * informer that cannot list. A probe would hang for that long instead of answering DOWN. Here a
 * thread of its own waits for that information once, and the check answers DOWN until it has it.
 */
@Readiness
@ApplicationScoped
public class InformersSynced implements HealthCheck {

    static final String NAME = "informers synced";

    private final CompletableFuture<RuntimeInfo> runtimeInfo = new CompletableFuture<>();

    @Inject
    Operator operator;

    void onStart(@Observes StartupEvent event) {
        Thread waiter = new Thread(() -> {
            try {
                runtimeInfo.complete(operator.getRuntimeInfo());
            } catch (RuntimeException e) {
                runtimeInfo.completeExceptionally(e);
            }
        }, "operator-runtime-info");
        waiter.setDaemon(true);
        waiter.start();
    }

    @Override
    public HealthCheckResponse call() {
        RuntimeInfo info = runtimeInfo.getNow(null);
        if (info == null || !info.isStarted()) {
            return HealthCheckResponse.named(NAME).down().withData("operator", "starting").build();
        }
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME).up();
        Map<String, ? extends Map<String, ?>> unhealthy = info.unhealthyEventSources();
        for (var controller : unhealthy.entrySet()) {
            if (!controller.getValue().isEmpty()) {
                response.down().withData(controller.getKey(), "not synced: " + String.join(", ", controller.getValue().keySet()));
            }
        }
        return response.build();
    }
}
