package dev.metalprov.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** Events are written by their own threads, wait while binding goes first, and a flood is cut off. */
@EnableKubernetesMockClient(crud = true)
class EventsTest {

    private static final Instant RECORDED = Instant.parse("2026-11-28T10:00:00Z");

    KubernetesClient client;

    private Events events;
    private SimpleMeterRegistry registry;
    private final ConfigMap object = new ConfigMapBuilder().withNewMetadata().withNamespace("tenant").withName("thing")
            .withUid("0b5e7c2a").endMetadata().build();

    @BeforeEach
    void setUp() {
        registry = new SimpleMeterRegistry();
        events = new Events();
        events.client = client;
        events.clock = Clock.fixed(RECORDED, ZoneOffset.UTC);
        events.registry = registry;
    }

    @AfterEach
    void tearDown() {
        events.stop();
    }

    @Test
    void anEventRecordedWhileHeldIsWrittenOnceTheHoldEndsWithTheTimeItWasRecorded() {
        AtomicBoolean held = new AtomicBoolean(true);
        events.holdWhile(held::get);
        events.normal(object, "ServerBound", "bound to server s-1");
        await("a writer to hold the event", events::holding);
        // The writer holds it: nothing may have been written.
        assertEquals(List.of(), written());

        held.set(false);
        await("the event to be written", () -> written().size() == 1);
        Event event = written().get(0);
        assertEquals("ServerBound", event.getReason());
        assertEquals("Normal", event.getType());
        assertEquals("thing", event.getInvolvedObject().getName());
        assertEquals("0b5e7c2a", event.getInvolvedObject().getUid());
        assertEquals(RECORDED.toString(), event.getFirstTimestamp(), "the time it was recorded, not written");
        assertEquals(0.0, registry.get("metal.events.dropped").counter().count());
    }

    @Test
    void pastTheCapacityNewEventsAreDroppedAndCounted() {
        events.holdWhile(() -> true);
        // Writers each take one before they hold: what waits behind them fills the queue.
        for (int i = 0; i < Events.CAPACITY + Events.WRITERS + 3; i++) {
            events.warning(object, "BMCUnreachable", "the BMC does not answer");
        }
        await("the writers to hold", events::holding);
        double dropped = registry.get("metal.events.dropped").counter().count();
        assertTrue(dropped >= 3 && dropped <= 3 + Events.WRITERS, "dropped: " + dropped);
        assertEquals(List.of(), written());
    }

    private List<Event> written() {
        return client.v1().events().inNamespace("tenant").list().getItems();
    }

    private static void await(String what, java.util.concurrent.Callable<Boolean> condition) {
        Awaitility.await(what).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(condition);
    }
}
