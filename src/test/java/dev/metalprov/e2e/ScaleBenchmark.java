package dev.metalprov.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Deque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.metalprov.api.v1alpha1.BMC;
import dev.metalprov.api.v1alpha1.ClaimPhase;
import dev.metalprov.api.v1alpha1.LabelSelector;
import dev.metalprov.api.v1alpha1.LocalObjectReference;
import dev.metalprov.api.v1alpha1.Power;
import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerClaim;
import dev.metalprov.api.v1alpha1.ServerClaimSpec;
import dev.metalprov.api.v1alpha1.ServerState;
import dev.metalprov.common.Conditions;
import dev.metalprov.testing.FleetSimulator;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * How the operator copes with a fleet in which every server has a BMC of its own, as real
 * hardware is wired, measured on the real control plane ({@code ./mvnw -Pbenchmark package}).
 * For each fleet size N (1,000 and 3,000 unless {@code -Dbenchmark.sizes=20,50} says otherwise),
 * N BMC objects are created, each pointing at its own port of a {@link FleetSimulator}; the
 * operator makes one Server per BMC and discovers it. Then N claims arrive together, are bound,
 * booted by the built-in boot service from a real registry and powered On; then all are deleted
 * and the servers recycled.
 *
 * <p>The operator runs with the heap the shipped Deployment gives it ({@link DeploymentJvm}). A
 * sampler reads its threads and resident memory from /proc every second and its heap and GC
 * counts from its own /q/metrics. Figures go to docs/benchmarks.md after every size, so a run
 * that is stopped or runs past a step's deadline keeps what it measured and says which step did
 * not finish. Nothing here fails on a time: on a shared machine only the ratios between sizes
 * measured in the same run carry over.
 */
public final class ScaleBenchmark {

    private static final List<Integer> DEFAULT_SIZES = List.of(1000, 3000);
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{([^}]*)\\})? (\\S+)$");
    private static final int APPLY_CHUNK = 250;

    private ScaleBenchmark() {
    }

    /** A step that did not finish within its deadline. */
    static final class StepTimedOut extends RuntimeException {
        StepTimedOut(String step, Duration deadline, String progress) {
            super(step + " (not within " + deadline.toSeconds() + " s; " + progress + ")");
        }
    }

    /** What the sampler saw of the operator process since its window started. */
    static final class Samples {
        volatile long peakThreads = -1;
        volatile long lastThreads = -1;
        volatile long peakRssKiB = -1;
        volatile long lastRssKiB = -1;
        volatile long hwmKiB = -1;
        volatile double peakHeapUsed = -1;
        volatile double lastHeapUsed = -1;
        volatile double peakHeapCommitted = -1;
        volatile double lastHeapCommitted = -1;
        volatile double heapMax = -1;
        volatile Map<String, Double> gcPausesAtStart = Map.of();
        volatile Map<String, Double> gcPauses = Map.of();
    }

    /** The figures of one fleet size; NaN or -1 where a step did not get that far. */
    static final class Result {
        final int size;
        double createSeconds = Double.NaN;
        double discoverySeconds = Double.NaN;
        final List<Double> bindSeconds = new ArrayList<>();
        final List<Double> onSeconds = new ArrayList<>();
        double boundPerSecond = Double.NaN;
        double onPerSecond = Double.NaN;
        double metalWritesPerClaim = Double.NaN;
        double eventsPerClaim = Double.NaN;
        double releaseSeconds = Double.NaN;
        long threadsAtStart = -1;
        long redfishRequests = -1;
        String timedOut;
        Samples samples;
        boolean hwmReset;

        Result(int size) {
            this.size = size;
        }
    }

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = sizes();
        Path work = Path.of("target", "benchmark");
        EndToEnd.deleteRecursively(work);
        DeploymentJvm.Options jvm = DeploymentJvm.fromDeployBase();
        List<Result> results = new ArrayList<>();
        // Stopped in reverse order at the end, or by a shutdown hook when the run is interrupted (Ctrl-C, a timeout).
        Deque<AutoCloseable> parts = new ConcurrentLinkedDeque<>();
        Thread stopAll = new Thread(() -> stop(parts), "benchmark-stop");
        Runtime.getRuntime().addShutdownHook(stopAll);
        try {
            ControlPlane plane = started(parts, ControlPlane.start(work.resolve("control-plane")));
            plane.installOperator();
            BootService boot = started(parts, BootService.start(work.resolve("registry")));
            Map<String, String> settings = new HashMap<>(boot.operatorSettings());
            settings.put("METAL_POWER_POLL_INTERVAL", "1s");
            settings.put("METAL_RELEASE_CHECK_INTERVAL", "1s");
            FleetSimulator fleet = started(parts, new FleetSimulator(SushyEmulator.USERNAME, SushyEmulator.PASSWORD)
                    .powerTransition(Duration.ofMillis(500)));
            OperatorProcess operator = started(parts, OperatorProcess.start(plane, work, settings, jvm.jvmOptions()));
            Sampler sampler = started(parts, new Sampler(operator));
            Yaml.apply(plane, Yaml.bmcSecret("bench-secret"));
            for (int size : sizes) {
                System.out.println("Measuring a fleet of " + size + " servers, each with its own BMC...");
                Result result = new Result(size);
                results.add(result);
                try {
                    measure(plane, operator, fleet, sampler, result);
                } catch (StepTimedOut e) {
                    result.timedOut = e.getMessage();
                    System.out.println("Timed out: " + e.getMessage());
                } finally {
                    result.samples = sampler.sample();
                    write(results, jvm, sizes);
                }
                if (result.timedOut != null || !operator.isAlive()) {
                    // The operator did not keep up: a larger fleet would only measure the same backlog.
                    break;
                }
                cleanUp(plane, "fleet-" + size);
            }
            System.out.println(Files.readString(report()));
        } finally {
            stop(parts);
            try {
                Runtime.getRuntime().removeShutdownHook(stopAll);
            } catch (IllegalStateException e) {
                // The JVM is shutting down already; the hook has stopped the parts.
            }
        }
    }

    private static <T extends AutoCloseable> T started(Deque<AutoCloseable> parts, T part) {
        parts.push(part);
        return part;
    }

    /** Stops every part, the last started first; each only once. */
    private static void stop(Deque<AutoCloseable> parts) {
        for (AutoCloseable part = parts.poll(); part != null; part = parts.poll()) {
            try {
                part.close();
            } catch (Exception e) {
                // Keep stopping the rest.
            }
        }
    }

    private static List<Integer> sizes() {
        String property = System.getProperty("benchmark.sizes", "");
        if (property.isBlank()) {
            return DEFAULT_SIZES;
        }
        return Arrays.stream(property.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(Integer::valueOf).toList();
    }

    /** The deadline of one step: long enough for a slow machine, so that only a stuck step runs into it. */
    private static Duration deadline(int size) {
        long minutes = Long.getLong("benchmark.step-minutes", -1);
        return minutes > 0 ? Duration.ofMinutes(minutes) : Duration.ofSeconds(Math.max(180, size * 3L / 5));
    }

    private static void measure(ControlPlane plane, OperatorProcess operator, FleetSimulator fleet, Sampler sampler,
            Result result) throws Exception {
        KubernetesClient admin = plane.admin();
        int size = result.size;
        String rack = "fleet-" + size;
        Duration deadline = deadline(size);
        List<FleetSimulator.Endpoint> bmcs = fleet.add(size);
        long requestsBefore = fleet.totalRequests();
        result.hwmReset = operator.resetPeakResident();
        sampler.startWindow();
        result.threadsAtStart = operator.status("Threads");

        Map<String, ServerState> servers = new ConcurrentHashMap<>();
        Map<String, Instant> bound = new ConcurrentHashMap<>();
        Map<String, Instant> on = new ConcurrentHashMap<>();
        Map<String, Instant> created = new ConcurrentHashMap<>();
        Map<String, Boolean> claimsPresent = new ConcurrentHashMap<>();
        try (SharedIndexInformer<Server> serverInformer = admin.resources(Server.class).withLabel("bench", rack)
                .inform(handler(s -> {
                    if (s.getStatus() != null && s.getStatus().getState() != null) {
                        servers.put(s.getMetadata().getName(), s.getStatus().getState());
                    }
                }, s -> servers.remove(s.getMetadata().getName())));
                SharedIndexInformer<ServerClaim> claimInformer = admin.resources(ServerClaim.class).inNamespace(rack)
                        .inform(handler(c -> {
                            Instant now = Instant.now();
                            String name = c.getMetadata().getName();
                            claimsPresent.put(name, true);
                            if (c.getStatus() != null && c.getStatus().getPhase() == ClaimPhase.BOUND) {
                                bound.putIfAbsent(name, now);
                            }
                            if (c.getStatus() != null && Conditions.isTrue(c.getStatus().getConditions(), "PowerStateReached")) {
                                on.putIfAbsent(name, now);
                            }
                        }, c -> claimsPresent.remove(c.getMetadata().getName())))) {

            // Discovery: N BMC objects, each with its own port; the operator creates a Server per BMC.
            Instant discoveryStart = Instant.now();
            List<String> documents = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                documents.add(Yaml.bmc(rack + "-bmc-" + i, bmcs.get(i).port(), "bench-secret", "bench: " + rack));
                if (documents.size() == APPLY_CHUNK || i == size - 1) {
                    Yaml.apply(plane, documents.toArray(String[]::new));
                    documents.clear();
                }
            }
            result.createSeconds = seconds(discoveryStart, Instant.now());
            until("discovery: all " + size + " servers Available", deadline, () -> available(servers) == size,
                    () -> available(servers) + " of " + size + " Available, " + servers.size() + " servers seen");
            result.discoverySeconds = seconds(discoveryStart, Instant.now());

            // Claims: N at once, each selecting any server of this fleet.
            admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(rack).endMetadata().build()).create();
            admin.secrets().inNamespace(rack).resource(new SecretBuilder().withNewMetadata().withName("ignition").endMetadata()
                    .withStringData(Map.of("ignition", "{\"ignition\":{\"version\":\"3.4.0\"}}")).build()).create();
            Map<String, Double> writesBefore = apiWrites(admin);
            for (int i = 0; i < size; i++) {
                String name = "claim-" + i;
                created.put(name, Instant.now());
                admin.resource(claim(rack, name)).create();
            }
            try {
                until("claims: all " + size + " PowerStateReached", deadline, () -> on.size() == size,
                        () -> bound.size() + " Bound, " + on.size() + " PowerStateReached of " + size);
            } finally {
                Instant first = created.values().stream().min(Instant::compareTo).orElse(Instant.now());
                bound.forEach((name, at) -> result.bindSeconds.add(seconds(created.get(name), at)));
                on.forEach((name, at) -> result.onSeconds.add(seconds(created.get(name), at)));
                result.bindSeconds.sort(Double::compare);
                result.onSeconds.sort(Double::compare);
                Instant lastBound = bound.values().stream().max(Instant::compareTo).orElse(Instant.now());
                Instant lastOn = on.values().stream().max(Instant::compareTo).orElse(Instant.now());
                result.boundPerSecond = bound.size() / Math.max(0.001, seconds(first, lastBound));
                result.onPerSecond = on.size() / Math.max(0.001, seconds(first, lastOn));
                Map<String, Double> writesAfter = apiWrites(admin);
                // The benchmark's own writes (one create per claim) are not the operator's.
                result.metalWritesPerClaim = (delta(writesBefore, writesAfter, "metal.ironcore.dev") - size) / size;
                result.eventsPerClaim = delta(writesBefore, writesAfter, "events") / size;
            }

            // Release: every claim deleted, every server recycled.
            Instant releaseStart = Instant.now();
            // kubectl rather than the client: a collection delete of thousands outlasts the client's request timeout.
            plane.kubectl("delete", "serverclaims", "--all", "-n", rack, "--wait=false").orFail("deleting the claims");
            until("release: all " + size + " servers Available again", deadline,
                    () -> claimsPresent.isEmpty() && available(servers) == size,
                    () -> claimsPresent.size() + " claims left, " + available(servers) + " of " + size + " Available");
            result.releaseSeconds = seconds(releaseStart, Instant.now());
        } finally {
            result.redfishRequests = fleet.totalRequests() - requestsBefore;
        }
    }

    private static long available(Map<String, ServerState> servers) {
        return servers.values().stream().filter(s -> s == ServerState.AVAILABLE).count();
    }

    private static <T> ResourceEventHandler<T> handler(java.util.function.Consumer<T> seen, java.util.function.Consumer<T> gone) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T object) {
                seen.accept(object);
            }

            @Override
            public void onUpdate(T before, T object) {
                seen.accept(object);
            }

            @Override
            public void onDelete(T object, boolean finalStateUnknown) {
                gone.accept(object);
            }
        };
    }

    /** Removes one size's BMCs, servers and claims, so that the next size runs on its own. */
    private static void cleanUp(ControlPlane plane, String rack) {
        KubernetesClient admin = plane.admin();
        plane.kubectl("delete", "bmcs", "-l", "bench=" + rack, "--wait=false").orFail("deleting the BMCs");
        plane.kubectl("delete", "servers", "-l", "bench=" + rack, "--wait=false").orFail("deleting the servers");
        try {
            until("the servers of " + rack + " to be deleted", Duration.ofMinutes(3),
                    () -> admin.resources(Server.class).withLabel("bench", rack).list().getItems().isEmpty()
                            && admin.resources(BMC.class).withLabel("bench", rack).list().getItems().isEmpty(),
                    () -> "some are left");
        } catch (StepTimedOut e) {
            System.out.println("Clean-up of " + rack + " did not finish; the next size runs beside what is left: " + e.getMessage());
        }
    }

    private static ServerClaim claim(String namespace, String name) {
        ServerClaim claim = new ServerClaim();
        claim.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
        ServerClaimSpec spec = new ServerClaimSpec();
        spec.setPower(Power.ON);
        LabelSelector selector = new LabelSelector();
        selector.setMatchLabels(Map.of("bench", namespace));
        spec.setServerSelector(selector);
        spec.setImage("my-osimage:latest");
        spec.setIgnitionSecretRef(new LocalObjectReference("ignition"));
        claim.setSpec(spec);
        return claim;
    }

    /** Writes the API server has answered, by API group (core objects by resource), from its own metrics. */
    private static Map<String, Double> apiWrites(KubernetesClient admin) {
        Map<String, Double> writes = new HashMap<>();
        for (String line : admin.raw("/metrics").split("\n")) {
            Matcher matcher = SAMPLE.matcher(line);
            if (!matcher.matches() || !matcher.group(1).equals("apiserver_request_total") || matcher.group(2) == null) {
                continue;
            }
            String labels = matcher.group(2);
            if (!labels.matches(".*verb=\"(POST|PUT|PATCH|DELETE)\".*")) {
                continue;
            }
            String group = label(labels, "group");
            String key = group.isEmpty() ? label(labels, "resource") : group;
            writes.merge(key, Double.parseDouble(matcher.group(3)), Double::sum);
        }
        return writes;
    }

    private static String label(String labels, String name) {
        Matcher matcher = Pattern.compile("(?:^|,)" + name + "=\"([^\"]*)\"").matcher(labels);
        return matcher.find() ? matcher.group(1) : "";
    }

    private static double delta(Map<String, Double> before, Map<String, Double> after, String key) {
        return after.getOrDefault(key, 0.0) - before.getOrDefault(key, 0.0);
    }

    /** Waits for the condition, checked every 200 ms, or throws {@link StepTimedOut} with the progress made. */
    private static void until(String step, Duration deadline, BooleanSupplier condition, java.util.function.Supplier<String> progress) {
        try {
            // An exception is the API server being busy: ask again.
            org.awaitility.Awaitility.await(step).atMost(deadline).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(condition::getAsBoolean);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new StepTimedOut(step, deadline, progress.get());
        }
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() / 1000.0;
    }

    /**
     * Reads the operator's threads and resident memory from /proc every second, and its heap and
     * GC counts from its /q/metrics every two seconds, keeping the peaks of the current window.
     */
    static final class Sampler implements AutoCloseable {

        private final OperatorProcess operator;
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "benchmark-sampler");
            thread.setDaemon(true);
            return thread;
        });
        private volatile Samples current = new Samples();
        private long ticks;

        Sampler(OperatorProcess operator) {
            this.operator = operator;
            timer.scheduleAtFixedRate(this::tick, 0, 1, TimeUnit.SECONDS);
        }

        /** Starts a new window of peaks; GC counts are counted from here. */
        synchronized void startWindow() {
            Samples fresh = new Samples();
            scrape(fresh);
            fresh.gcPausesAtStart = fresh.gcPauses;
            current = fresh;
        }

        /** The window so far, with one last reading. */
        synchronized Samples sample() {
            proc(current);
            scrape(current);
            return current;
        }

        private synchronized void tick() {
            try {
                proc(current);
                if (ticks++ % 2 == 0) {
                    scrape(current);
                }
            } catch (RuntimeException e) {
                // A missed sample is no reason to stop sampling.
            }
        }

        private void proc(Samples s) {
            long threads = operator.status("Threads");
            long rss = operator.status("VmRSS");
            if (threads < 0) {
                return;
            }
            s.lastThreads = threads;
            s.peakThreads = Math.max(s.peakThreads, threads);
            s.lastRssKiB = rss;
            s.peakRssKiB = Math.max(s.peakRssKiB, rss);
            s.hwmKiB = operator.status("VmHWM");
        }

        private void scrape(Samples s) {
            String text;
            try {
                HttpRequest request = HttpRequest.newBuilder(operator.metrics()).timeout(Duration.ofSeconds(5)).build();
                text = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
            } catch (Exception e) {
                return;
            }
            double used = 0;
            double committed = 0;
            double max = 0;
            Map<String, Double> gc = new HashMap<>();
            for (String line : text.split("\n")) {
                Matcher m = SAMPLE.matcher(line);
                if (!m.matches() || m.group(2) == null) {
                    continue;
                }
                String labels = m.group(2);
                double value = Double.parseDouble(m.group(3));
                boolean heap = labels.contains("area=\"heap\"");
                switch (m.group(1)) {
                    case "jvm_memory_used_bytes" -> used += heap ? value : 0;
                    case "jvm_memory_committed_bytes" -> committed += heap ? value : 0;
                    case "jvm_memory_max_bytes" -> max += heap && value > 0 ? value : 0;
                    case "jvm_gc_pause_seconds_count" -> gc.merge(label(labels, "action"), value, Double::sum);
                    default -> {
                    }
                }
            }
            if (used > 0) {
                s.lastHeapUsed = used;
                s.peakHeapUsed = Math.max(s.peakHeapUsed, used);
                s.lastHeapCommitted = committed;
                s.peakHeapCommitted = Math.max(s.peakHeapCommitted, committed);
                s.heapMax = max;
                s.gcPauses = gc;
            }
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }

    // ---- the report ---------------------------------------------------------------------------

    private static Path report() {
        return Path.of("docs", "benchmarks.md");
    }

    private static void write(List<Result> results, DeploymentJvm.Options jvm, List<Integer> sizes) {
        try {
            Files.writeString(report(), report(results, jvm, sizes));
        } catch (java.io.IOException e) {
            System.out.println("Cannot write " + report() + ": " + e);
        }
    }

    static String report(List<Result> results, DeploymentJvm.Options jvm, List<Integer> sizes) {
        StringBuilder text = new StringBuilder("""
                # Benchmarks

                Written by `ScaleBenchmark` (`./mvnw -Pbenchmark package`, optionally with
                `-Dbenchmark.sizes=20,50` for a quick trial), which measures the packaged operator on a real
                kube-apiserver and etcd. Every server has a BMC of its own, as real hardware is wired:
                `FleetSimulator` (the project's, in the benchmark's JVM) serves one Redfish BMC per port on
                127.0.0.1, each with one system, Basic authentication and a power transition of 0.5 s. For
                each fleet size N, N BMC objects are created; the operator makes a Server per BMC and
                discovers it. Then N claims (a label selector, power On, an image and an Ignition Secret)
                arrive together; the built-in boot service makes their boot configurations Ready from a real
                OCI registry, and the servers are powered On. Then all claims are deleted and the servers
                recycled. Each size runs on its own: the previous size's objects are deleted first.

                Settings: power poll interval 1 s, release check interval 1 s; everything else at its
                default. Times are taken from watch events (informers) of the benchmark's own client.
                """);
        text.append("\nThe operator ran with the heap the shipped Deployment gives it: deploy/base sets a memory\n")
                .append("limit of ").append(jvm.memoryLimitMiB()).append(" MiB, and the image's run-java.sh gives the heap ")
                .append(fmt(jvm.maxMemRatio())).append(" % of it\n(`JAVA_MAX_MEM_RATIO`), with its default GC options. ")
                .append("The operator's JVM (Java ").append(System.getProperty("java.specification.version"))
                .append(" here, 21 in the image) was\nstarted with:\n\n```\n").append(String.join(" ", jvm.jvmOptions()))
                .append("\n```\n\nOutside a container nothing enforces the limit: a peak resident memory above it is what\n")
                .append("would have had the pod killed.\n\n");
        text.append("""
                Threads are the operator's `Threads:` of /proc/<pid>/status, resident memory its `VmRSS`
                (sampled every second) and `VmHWM` (the kernel's peak, reset at the start of each size where
                the kernel allows), heap and GC counts its own /q/metrics (sampled every two seconds). API
                writes are counted by the API server (`apiserver_request_total`). A size's threads at start
                are what the operator still has from the sizes before it: their objects are gone by then,
                so threads it kept for them are threads it did not release.

                These figures come from a 2-core machine that other work was sharing, so absolute times vary
                from run to run; the ratios between sizes measured in the same run carry over to other
                machines, the absolute times do not. A step that does not finish within its deadline ends
                the run: the figures up to there are kept, and the table says which step timed out.

                """);
        text.append("Measured on ").append(LocalDate.now()).append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores; sizes asked for: ").append(sizes).append(".\n\n");
        text.append("| figure |");
        results.forEach(r -> text.append(" ").append(r.size).append(" servers |"));
        text.append("\n|---|");
        results.forEach(r -> text.append("---|"));
        text.append('\n');
        row(text, "finished", results, r -> r.timedOut == null ? "yes" : "**no: timed out at " + r.timedOut + "**");
        row(text, "BMC objects created (s)", results, r -> fmt(r.createSeconds));
        row(text, "discovery: first BMC created until every server is Available (s)", results, r -> fmt(r.discoverySeconds));
        row(text, "claims Bound / PowerStateReached (of N)", results, r -> r.bindSeconds.size() + " / " + r.onSeconds.size());
        row(text, "bind latency p50 / p95 / max (s)", results, r -> percentiles(r.bindSeconds));
        row(text, "created until PowerStateReached p50 / p95 / max (s)", results, r -> percentiles(r.onSeconds));
        row(text, "claims bound per second", results, r -> fmt(r.boundPerSecond));
        row(text, "claims powered On per second", results, r -> fmt(r.onPerSecond));
        row(text, "API writes to metal.ironcore.dev objects per claim, by the operator", results, r -> fmt(r.metalWritesPerClaim));
        row(text, "Events written per claim", results, r -> fmt(r.eventsPerClaim));
        row(text, "all claims deleted until every server is Available again (s)", results, r -> fmt(r.releaseSeconds));
        row(text, "Redfish requests received by the BMCs, per server", results,
                r -> r.redfishRequests < 0 ? "-" : fmt((double) r.redfishRequests / r.size));
        row(text, "operator threads: at start / peak / final", results, r -> r.threadsAtStart + " / "
                + (r.samples == null ? "-" : r.samples.peakThreads + " / " + r.samples.lastThreads));
        row(text, "operator resident memory: peak sampled VmRSS / VmHWM / final VmRSS (MiB)", results, r -> r.samples == null ? "-"
                : mib(r.samples.peakRssKiB * 1024) + " / " + mib(r.samples.hwmKiB * 1024) + (r.hwmReset ? "" : " (since start)")
                        + " / " + mib(r.samples.lastRssKiB * 1024));
        row(text, "heap used: peak / final (MiB)", results, r -> r.samples == null ? "-"
                : mib(r.samples.peakHeapUsed) + " / " + mib(r.samples.lastHeapUsed));
        row(text, "heap committed: peak / final; max (MiB)", results, r -> r.samples == null ? "-"
                : mib(r.samples.peakHeapCommitted) + " / " + mib(r.samples.lastHeapCommitted) + "; " + mib(r.samples.heapMax));
        row(text, "GC pauses during the size, by action", results, ScaleBenchmark::gcPauses);

        List<Result> complete = results.stream().filter(r -> r.timedOut == null).toList();
        if (complete.size() >= 2) {
            Result small = complete.get(0);
            Result large = complete.get(complete.size() - 1);
            double factor = (double) large.size / small.size;
            text.append("\nFrom ").append(small.size).append(" to ").append(large.size).append(" servers (")
                    .append(fmt(factor)).append("x), in the same run:\n");
            text.append("- discovery took ").append(ratio(large.discoverySeconds, small.discoverySeconds)).append("x as long;\n");
            text.append("- p95 bind latency grew ").append(ratio(percentile(large.bindSeconds, 0.95),
                    percentile(small.bindSeconds, 0.95))).append("x, p95 created until powered On ")
                    .append(ratio(percentile(large.onSeconds, 0.95), percentile(small.onSeconds, 0.95))).append("x;\n");
            text.append("- claims powered On per second went ").append(ratio(large.onPerSecond, small.onPerSecond)).append("x;\n");
            text.append("- peak threads went ").append(ratio(large.samples.peakThreads, small.samples.peakThreads))
                    .append("x (").append(small.samples.peakThreads).append(" to ").append(large.samples.peakThreads).append(");\n");
            text.append("- peak resident memory went ").append(ratio(large.samples.peakRssKiB, small.samples.peakRssKiB))
                    .append("x, peak heap used ").append(ratio(large.samples.peakHeapUsed, small.samples.peakHeapUsed)).append("x;\n");
            text.append("- writes per claim went from ").append(fmt(small.metalWritesPerClaim)).append(" to ")
                    .append(fmt(large.metalWritesPerClaim)).append(".\n");
        } else if (results.size() > complete.size()) {
            text.append("\nNo ratio between sizes: a size did not finish.\n");
        }
        return text.toString();
    }

    private static String gcPauses(Result r) {
        if (r.samples == null || r.samples.gcPauses.isEmpty()) {
            return "-";
        }
        StringBuilder cell = new StringBuilder();
        new java.util.TreeMap<>(r.samples.gcPauses).forEach((action, count) -> {
            double during = count - r.samples.gcPausesAtStart.getOrDefault(action, 0.0);
            cell.append(cell.length() == 0 ? "" : "; ").append(action).append(": ").append((long) during);
        });
        return cell.toString();
    }

    private static void row(StringBuilder text, String figure, Collection<Result> results, Function<Result, String> cell) {
        text.append("| ").append(figure).append(" |");
        results.forEach(r -> text.append(' ').append(cell.apply(r)).append(" |"));
        text.append('\n');
    }

    private static String percentiles(List<Double> sorted) {
        return sorted.isEmpty() ? "-" : fmt(percentile(sorted, 0.5)) + " / " + fmt(percentile(sorted, 0.95)) + " / "
                + fmt(percentile(sorted, 1.0));
    }

    private static double percentile(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static String ratio(double large, double small) {
        return small > 0 && !Double.isNaN(large) ? fmt(large / small) : "-";
    }

    private static String mib(double bytes) {
        return bytes < 0 ? "-" : String.valueOf(Math.round(bytes / (1024 * 1024)));
    }

    private static String fmt(double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.2f", value);
    }
}
