package dev.metalprov.operator;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.quarkus.runtime.ShutdownEvent;

/**
 * An informer's store that keeps one instance of an object for all the informers that hold it at
 * the same resourceVersion.
 *
 * <p>Several controllers watch the same kinds: Servers are watched by the server, claim, boot and
 * BMC controllers, claims and boot configurations by three each. Each informer reads its own copy
 * from its own watch, so a fleet of N servers cost twelve cached objects per server. An informer
 * that stores an object another informer already holds at the same uid and resourceVersion (the
 * same content, as the API server numbers it) keeps that instance instead, and its own copy is
 * garbage at once.
 *
 * <p>Cached objects are read-only by the informers' contract; the operator copies before it
 * changes one (the SDK hands reconcilers a copy of the primary). Sharing makes a slip there
 * visible to every controller rather than to one.
 */
public class SharedItemStore<T extends HasMetadata> extends BasicItemStore<T> {

    /** The latest instance stored by any informer, by uid; weakly held, so that dropping it from every store frees it. */
    private static final ConcurrentHashMap<String, Entry> LATEST = new ConcurrentHashMap<>();
    private static final ReferenceQueue<HasMetadata> GONE = new ReferenceQueue<>();

    public SharedItemStore() {
        super(Cache::metaNamespaceKeyFunc);
    }

    @Override
    public T put(String key, T object) {
        return super.put(key, shared(object));
    }

    /** The instance already held for this uid and resourceVersion, or this one, which becomes it. */
    @SuppressWarnings("unchecked")
    static <T extends HasMetadata> T shared(T object) {
        var metadata = object.getMetadata();
        String uid = metadata == null ? null : metadata.getUid();
        String version = uid == null ? null : metadata.getResourceVersion();
        if (version == null) {
            return object;
        }
        dropCleared();
        // Atomic per uid: informers of one kind receive the same watch event at the same moment, and
        // a look-then-store would let two of them each keep their own copy.
        Entry entry = LATEST.compute(uid, (key, held) -> {
            HasMetadata instance = held == null ? null : held.get();
            return instance != null && instance.getClass() == object.getClass()
                    && Objects.equals(version, instance.getMetadata().getResourceVersion())
                            ? held
                            : new Entry(uid, object);
        });
        HasMetadata instance = entry.get();
        return instance == null ? object : (T) instance;
    }

    /**
     * Forgets every instance when the application stops. A real API server's uids are random, but a
     * test's mock server counts them up from the same start, and the next application in the same
     * JVM must not be handed the last one's objects.
     */
    @Singleton
    static class ForgetOnShutdown {
        void forget(@Observes ShutdownEvent stop) {
            LATEST.clear();
        }
    }

    /** How many objects are shared at the moment; for tests. */
    static int tracked() {
        dropCleared();
        return LATEST.size();
    }

    private static void dropCleared() {
        for (var gone = GONE.poll(); gone != null; gone = GONE.poll()) {
            Entry entry = (Entry) gone;
            LATEST.remove(entry.uid, entry);
        }
    }

    private static final class Entry extends WeakReference<HasMetadata> {
        private final String uid;

        Entry(String uid, HasMetadata object) {
            super(object, GONE);
            this.uid = uid;
        }
    }
}
