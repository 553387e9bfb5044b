package dev.metalprov.common;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Records Kubernetes Events on the objects the operator manages. Callers emit one when a
 * condition's reason changes, not on every reconcile, so events stay a readable history.
 * Messages never carry secrets: callers pass names and states only.
 *
 * <p>Events are written by threads of their own ({@value #WRITERS}), as client-go's recorder does: a reconcile
 * never waits for one, and a burst of them never takes the API server from the writes that
 * matter. While {@link #holdWhile} says so (claims wait for their bind), the writer waits; what
 * is recorded meanwhile keeps the time it happened. Past {@value #CAPACITY} waiting events,
 * new ones are dropped and counted ({@code metal_events_dropped_total}); those still waiting
 * when the operator stops are not written. The object's status holds the same facts.
 */
@ApplicationScoped
public class Events {

    private static final Logger LOG = Logger.getLogger(Events.class);
    static final String COMPONENT = "metal-operator";
    /**
     * About 10 MiB of heap when full. A burst of 10,000 claims records 10,000 ServerBound events
     * while binding, and as many again for each later step while they are written.
     */
    static final int CAPACITY = 50_000;
    /** Two writes in flight: about 100 events a second here, a fifth of what the API server takes. */
    static final int WRITERS = 2;
    /** How often a held writer looks whether it may go on. */
    static final Duration HOLD_CHECK = Duration.ofMillis(200);

    @Inject
    KubernetesClient client;

    @Inject
    Clock clock;

    @Inject
    MeterRegistry registry;

    private final BlockingQueue<Pending> waiting = new ArrayBlockingQueue<>(CAPACITY);
    private final List<Thread> writers = new ArrayList<>();
    private volatile BooleanSupplier hold = () -> false;
    private final AtomicInteger holdingWriters = new AtomicInteger();
    private Counter dropped;

    public void normal(HasMetadata object, String reason, String message) {
        record(object, "Normal", reason, message);
    }

    public void warning(HasMetadata object, String reason, String message) {
        record(object, "Warning", reason, message);
    }

    /** While this says true, waiting events stay unwritten (binding goes first, see BindingFirst). */
    public void holdWhile(BooleanSupplier condition) {
        hold = condition;
    }

    /** Whether a writer waits for the hold to end now, with an event to write. */
    boolean holding() {
        return holdingWriters.get() > 0;
    }

    private void record(HasMetadata object, String type, String reason, String message) {
        // Events of cluster-scoped objects live in "default", as kubectl describe expects; tenants may
        // read that namespace, so those events never name a claim.
        String namespace = object.getMetadata().getNamespace() == null ? "default" : object.getMetadata().getNamespace();
        Pending event = new Pending(namespace, object.getApiVersion(), object.getKind(), object.getMetadata().getName(),
                object.getMetadata().getNamespace(), object.getMetadata().getUid(), object.getMetadata().getResourceVersion(),
                type, reason, message, clock.instant());
        startWriters();
        if (!waiting.offer(event)) {
            dropped.increment();
            LOG.debugf("event %s on %s/%s dropped: %d events wait to be written", reason, kind(event), event.name(),
                    waiting.size());
        }
    }

    /** An event as recorded: small, so that a burst waiting to be written costs little heap. */
    private record Pending(String namespace, String apiVersion, String kind, String name, String objectNamespace, String uid,
            String resourceVersion, String type, String reason, String message, Instant at) {

        Event toEvent() {
            return new EventBuilder()
                    .withNewMetadata()
                    .withGenerateName(name + ".")
                    .withNamespace(namespace)
                    .endMetadata()
                    .withInvolvedObject(new ObjectReferenceBuilder()
                            .withApiVersion(apiVersion)
                            .withKind(kind)
                            .withName(name)
                            .withNamespace(objectNamespace)
                            .withUid(uid)
                            .withResourceVersion(resourceVersion)
                            .build())
                    .withType(type)
                    .withReason(reason)
                    .withMessage(message)
                    .withFirstTimestamp(at.toString())
                    .withLastTimestamp(at.toString())
                    .withCount(1)
                    .withNewSource().withComponent(COMPONENT).endSource()
                    .withReportingComponent(COMPONENT)
                    .build();
        }
    }

    private synchronized void startWriters() {
        if (writers.isEmpty()) {
            dropped = Counter.builder("metal.events.dropped")
                    .description("Events not written because too many waited to be written").register(registry);
            for (int i = 0; i < WRITERS; i++) {
                Thread writer = new Thread(this::write, "event-writer-" + i);
                writer.setDaemon(true);
                writer.start();
                writers.add(writer);
            }
        }
    }

    private void write() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Pending next = waiting.take();
                if (hold.getAsBoolean()) {
                    holdingWriters.incrementAndGet();
                    try {
                        while (hold.getAsBoolean()) {
                            TimeUnit.MILLISECONDS.sleep(HOLD_CHECK.toMillis());
                        }
                    } finally {
                        holdingWriters.decrementAndGet();
                    }
                }
                create(next);
            }
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
        }
    }

    private void create(Pending event) {
        try {
            client.v1().events().inNamespace(event.namespace()).resource(event.toEvent()).create();
        } catch (KubernetesClientException e) {
            // An event is a courtesy to the user; failing to write one must never fail the operator.
            LOG.debugf("could not record event %s on %s/%s: %s", event.reason(), kind(event), event.name(), e.getMessage());
        }
    }

    private static String kind(Pending event) {
        return event.kind() == null ? "object" : event.kind().toLowerCase(Locale.ROOT);
    }

    @PreDestroy
    synchronized void stop() {
        if (!writers.isEmpty()) {
            writers.forEach(Thread::interrupt);
            if (!waiting.isEmpty()) {
                LOG.infof("%d events not written: the operator stops", waiting.size());
            }
        }
    }
}
