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
 * hardware is wired, measured on the real control plane ({@code ./mvnw -Pbenchmark package}),
 * against the API server's own limit measured in the same run.
 *
 * <p>For each fleet size N (100, 1,000, 3,000 and 10,000 unless {@code -Dbenchmark.sizes=100}
 * says otherwise), with the operator stopped, {@link BenchBound} first measures how fast a client
 * without logic can make the writes of N binds. Then the operator is started, N BMC objects are
 * created, each pointing at its own port of a fleet process ({@link BenchFleet}); the operator
 * makes one Server per BMC and discovers it. Then N claims arrive together, are bound, booted by
 * the built-in boot service from a real registry and powered On; then all are deleted, the servers
 * recycled, and the operator stopped.
 *
 * <p>The operator runs with the heap the shipped Deployment gives it ({@link DeploymentJvm}) and,
 * as the image does, with a class data sharing archive its own JVM wrote; a first column at 100
 * runs without one, and a start-up measurement compares both ({@link #startup}). Its requests are
 * counted exactly from the API server's audit log ({@link BenchAudit}); a sampler reads its
 * threads, resident memory and CPU from /proc every second and its heap and GC counts from its own
 * /q/metrics. Figures go to docs/benchmarks.md after every size, so a run that is stopped or runs
 * past a step's deadline keeps what it measured and says which step did not finish. Nothing here
 * fails on a time: on a shared machine only the ratios measured in the same run carry over.
 */
public final class ScaleBenchmark {

    private static final List<Integer> DEFAULT_SIZES = List.of(100, 1000, 3000, 10000);
    private static final List<Integer> DEFAULT_BOUND_CONCURRENCY = List.of(16, 32, 64, 128);
    private static final int BOUND_WARM_UP_CLAIMS = 2000;
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{([^}]*)\\})? (\\S+)$");
    private static final int APPLY_CHUNK = 250;
    private static final int STARTUP_CLAIMS = 100;

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

    /** The operator's CPU in one window: in total and by kind of thread. */
    record Cpu(double seconds, Map<String, Double> byKind) {
        static final Cpu NONE = new Cpu(Double.NaN, Map.of());

        double share(String kind) {
            double all = byKind.values().stream().mapToDouble(Double::doubleValue).sum();
            return all > 0 ? byKind.getOrDefault(kind, 0.0) / all : Double.NaN;
        }
    }

    /** The figures of one column (a fleet size, with or without the archive); NaN or -1 where a step did not get that far. */
    static final class Result {
        final int size;
        final boolean archive;
        double startSeconds = Double.NaN;
        double createSeconds = Double.NaN;
        double discoverySeconds = Double.NaN;
        final List<Double> bindSeconds = new ArrayList<>();
        final List<Double> onSeconds = new ArrayList<>();
        double allBoundSeconds = Double.NaN;
        double boundPerSecond = Double.NaN;
        double onPerSecond = Double.NaN;
        int creationConcurrency;
        double metalWritesPerClaim = Double.NaN;
        double metalWritesPerClaimWhileBinding = Double.NaN;
        double eventsPerClaim = Double.NaN;
        double conflictsPerClaim = Double.NaN;
        Map<String, Long> writes = Map.of();
        Map<String, Long> reads = Map.of();
        double apiServerCpuPerClaimMillis = Double.NaN;
        double writeLatencyP50 = Double.NaN;
        double writeLatencyP99 = Double.NaN;
        double writesPerSecondWhileBinding = Double.NaN;
        Cpu cpuWhileBinding = Cpu.NONE;
        Cpu cpuClaims = Cpu.NONE;
        double releaseSeconds = Double.NaN;
        long threadsAtStart = -1;
        long redfishRequests = -1;
        List<BenchBound.Run> bound = List.of();
        /** The bound once more after the operator, with the fleet's objects still held: {@code -Dbenchmark.bound-again=true}. */
        List<BenchBound.Run> boundAgain = List.of();
        double apiServerCpuPerClaimWhileBindingMillis = Double.NaN;
        String timedOut;
        Samples samples;
        boolean hwmReset;

        Result(int size, boolean archive) {
            this.size = size;
            this.archive = archive;
        }

        /** The bound's best run: the most claims per second. */
        BenchBound.Run bestBound() {
            return bestBound(BenchBound.Shape.MINIMAL);
        }

        /** The best run of one shape, or null when that shape was not measured. */
        BenchBound.Run bestBound(BenchBound.Shape shape) {
            return bound.stream().filter(run -> run.shape() == shape)
                    .max(java.util.Comparator.comparingDouble(BenchBound.Run::claimsPerSecond)).orElse(null);
        }

        String label() {
            return size + " servers" + (archive ? "" : ", no CDS archive");
        }
    }

    /** The operator's start with claims waiting: from its process's start. */
    static final class Startup {
        final boolean archive;
        double readySeconds = Double.NaN;
        double firstBoundSeconds = Double.NaN;
        double allBoundSeconds = Double.NaN;
        Cpu cpu = Cpu.NONE;
        long rssKiB = -1;

        Startup(boolean archive) {
            this.archive = archive;
        }
    }

    /** Everything one run needs, started once. */
    private record Stage(ControlPlane plane, Path work, Map<String, String> settings, DeploymentJvm.Options jvm, Path archive,
            BenchAudit audit, KubernetesClient bench) {

        List<String> jvmOptions(boolean withArchive) {
            List<String> options = new ArrayList<>(jvm.jvmOptions());
            if (withArchive) {
                // on, not auto: an archive this JVM cannot use fails the start instead of measuring nothing.
                options.addAll(List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:on"));
            }
            return options;
        }
    }

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = sizes();
        Path work = Path.of("target", "benchmark");
        EndToEnd.deleteRecursively(work);
        DeploymentJvm.Options jvm = DeploymentJvm.fromDeployBase();
        List<Result> results = new ArrayList<>();
        List<Startup> startups = new ArrayList<>();
        // Stopped in reverse order at the end, or by a shutdown hook when the run is interrupted (Ctrl-C, a timeout).
        Deque<AutoCloseable> parts = new ConcurrentLinkedDeque<>();
        Thread stopAll = new Thread(() -> stop(parts), "benchmark-stop");
        Runtime.getRuntime().addShutdownHook(stopAll);
        try {
            Path policy = BenchAudit.writePolicy(work.resolve("audit-policy.yaml"));
            ControlPlane plane = started(parts, ControlPlane.startAudited(work.resolve("control-plane"), policy));
            plane.installOperator();
            BootService boot = started(parts, BootService.start(work.resolve("registry")));
            Map<String, String> settings = new HashMap<>(boot.operatorSettings());
            settings.put("METAL_POWER_POLL_INTERVAL", "1s");
            settings.put("METAL_RELEASE_CHECK_INTERVAL", "1s");
            settings.putAll(jvm.nativeEnvironment());
            settings.putAll(operatorEnvironment());
            io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx(new io.vertx.core.VertxOptions().setUseDaemonThread(true));
            parts.push(vertx::close);
            KubernetesClient bench = started(parts, BenchBound.client(plane.admin(), vertx));
            Stage stage = new Stage(plane, work, settings, jvm, BenchArchive.create(work), new BenchAudit(plane.auditLog()), bench);
            Yaml.apply(plane, Yaml.bmcSecret("bench-secret"));

            if (Boolean.parseBoolean(System.getProperty("benchmark.startup", "true"))) {
                System.out.println("Measuring the operator's start, with and without the archive...");
                startup(stage, startups);
                write(results, startups, stage, sizes);
            }
            List<Result> columns = new ArrayList<>();
            if (sizes.contains(STARTUP_CLAIMS) && Boolean.parseBoolean(System.getProperty("benchmark.startup", "true"))) {
                columns.add(new Result(STARTUP_CLAIMS, false));
            }
            sizes.forEach(size -> columns.add(new Result(size, true)));
            Map<Integer, List<BenchBound.Run>> bounds = new HashMap<>();
            for (Result result : columns) {
                results.add(result);
                System.out.println("Measuring " + result.label() + ", each with its own BMC...");
                boolean stopHere;
                try {
                    result.bound = bounds.computeIfAbsent(result.size, size -> bound(stage, size));
                    stopHere = !column(stage, result);
                } catch (StepTimedOut e) {
                    result.timedOut = e.getMessage();
                    System.out.println("Timed out: " + e.getMessage());
                    stopHere = true;
                } finally {
                    write(results, startups, stage, sizes);
                }
                if (stopHere) {
                    // The operator did not keep up: a larger fleet would only measure the same backlog.
                    break;
                }
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

    /** Whether the bound's client has run once untimed; it runs in this JVM for the whole benchmark. */
    private static boolean boundWarm;

    private static List<BenchBound.Run> bound(Stage stage, int size) {
        System.out.println("Measuring the bound for " + size + " claims (the operator is stopped)...");
        try {
            if (!boundWarm) {
                // Untimed: the first level used to run on a cold client, whose JIT took CPU from the API
                // server on this small machine; measured again later, 2,000 binds took 9.3 s against 13.0.
                System.out.println("Warming up the bound's client with " + BOUND_WARM_UP_CLAIMS + " binds, not timed...");
                BenchBound.measure(stage.plane(), stage.bench(), "bound-warm-up", BOUND_WARM_UP_CLAIMS, boundShapes(),
                        List.of(boundConcurrency().get(0)), deadline(BOUND_WARM_UP_CLAIMS));
                boundWarm = true;
            }
            return BenchBound.measure(stage.plane(), stage.bench(), "bound", size, boundShapes(), boundConcurrency(), deadline(size));
        } catch (Exception e) {
            throw new IllegalStateException("the bound for " + size + " claims failed", e);
        }
    }

    /** One column: the operator started, the fleet discovered, claimed, released; then both stopped. True when the operator lived. */
    private static boolean column(Stage stage, Result result) throws Exception {
        String rack = "fleet-" + result.size + (result.archive ? "" : "-plain");
        try (BenchFleet fleet = BenchFleet.start(result.size, SushyEmulator.USERNAME, SushyEmulator.PASSWORD,
                stage.work().resolve("logs"))) {
            Instant launched = Instant.now();
            OperatorProcess operator = launch(stage, rack, result.archive);
            try (Sampler sampler = new Sampler(operator, stage.audit())) {
                result.startSeconds = awaitReady(operator, launched);
                try {
                    measure(stage, operator, fleet, sampler, result, rack);
                } finally {
                    result.samples = sampler.sample();
                    stage.audit().forget();
                }
                boolean lived = operator.isAlive();
                if (Boolean.getBoolean("benchmark.bound-again")) {
                    // The same bound on an API server that now holds the fleet (its Servers, BMCs,
                    // Secrets and Events): what the API server's own state costs each write.
                    operator.close();
                    System.out.println("Measuring the bound again, the fleet's objects still held...");
                    result.boundAgain = BenchBound.measure(stage.plane(), stage.bench(), "bound-again", result.size,
                            List.of(BenchBound.Shape.MINIMAL), List.of(result.creationConcurrency), deadline(result.size));
                }
                cleanUp(stage.plane(), rack, result.size);
                return lived;
            } finally {
                operator.close();
            }
        }
    }

    private static OperatorProcess launch(Stage stage, String log, boolean archive) {
        return OperatorProcess.launch(stage.plane(), stage.plane().url(), stage.work(), "operator-" + log, stage.settings(),
                stage.jvmOptions(archive));
    }

    /** Seconds from the operator process's start until its readiness answers 200, polled every 20 ms. */
    private static double awaitReady(OperatorProcess operator, Instant launched) {
        Instant start = ProcessHandle.of(operator.pid()).flatMap(h -> h.info().startInstant()).orElse(launched);
        until("the operator to be ready", Duration.ofMinutes(3), Duration.ofMillis(20), () -> {
            if (!operator.isAlive()) {
                throw new IllegalStateException("the operator exited while starting");
            }
            return operator.health("ready") == 200;
        }, () -> "not ready");
        return seconds(start, Instant.now());
    }

    /**
     * The operator's start with work waiting, with and without the archive: a fleet of 100 is
     * discovered once, then for each variant 100 claims are created while the operator is stopped,
     * and the operator is started; times run from its process's start.
     */
    private static void startup(Stage stage, List<Startup> startups) throws Exception {
        String rack = "startup";
        KubernetesClient admin = stage.plane().admin();
        try (BenchFleet fleet = BenchFleet.start(STARTUP_CLAIMS, SushyEmulator.USERNAME, SushyEmulator.PASSWORD,
                stage.work().resolve("logs"))) {
            OperatorProcess discovering = launch(stage, "startup-discovery", true);
            try {
                awaitReady(discovering, Instant.now());
                createBmcs(stage.plane(), rack, fleet.ports());
                until("start-up fleet discovered", deadline(STARTUP_CLAIMS),
                        () -> availableServers(admin, rack) == STARTUP_CLAIMS, () -> availableServers(admin, rack) + " Available");
            } finally {
                discovering.close();
            }
            // Alternately, so that a machine that gets busier or quieter meanwhile does not favour one.
            int rounds = Integer.getInteger("benchmark.startup-rounds", 2);
            for (int round = 0; round < 2 * rounds; round++) {
                boolean archive = round % 2 == 1;
                Startup startup = new Startup(archive);
                startups.add(startup);
                String namespace = "startup-" + round + "-" + (archive ? "cds" : "plain");
                createNamespace(admin, namespace);
                parallel(STARTUP_CLAIMS, 16, i -> stage.bench().resource(claim(namespace, "claim-" + i, rack)).create());
                Map<String, Instant> bound = new ConcurrentHashMap<>();
                try (SharedIndexInformer<ServerClaim> informer = admin.resources(ServerClaim.class).inNamespace(namespace)
                        .inform(handler(c -> {
                            if (c.getStatus() != null && c.getStatus().getPhase() == ClaimPhase.BOUND) {
                                bound.putIfAbsent(c.getMetadata().getName(), Instant.now());
                            }
                        }, c -> {
                        }))) {
                    Instant launched = Instant.now();
                    OperatorProcess operator = launch(stage, namespace, archive);
                    try (Sampler sampler = new Sampler(operator, stage.audit())) {
                        Instant start = ProcessHandle.of(operator.pid()).flatMap(h -> h.info().startInstant()).orElse(launched);
                        startup.readySeconds = awaitReady(operator, launched);
                        until("start-up: all claims Bound", deadline(STARTUP_CLAIMS), () -> bound.size() == STARTUP_CLAIMS,
                                () -> bound.size() + " Bound");
                        startup.allBoundSeconds = seconds(start, Instant.now());
                        startup.firstBoundSeconds = seconds(start, bound.values().stream().min(Instant::compareTo).orElseThrow());
                        startup.cpu = sampler.cpuSinceStart();
                        startup.rssKiB = operator.status("VmRSS");
                        stage.plane().kubectl("delete", "namespace", namespace, "--wait=false").orFail("deleting " + namespace);
                        until("start-up: servers released", deadline(STARTUP_CLAIMS),
                                () -> admin.namespaces().withName(namespace).get() == null
                                        && availableServers(admin, rack) == STARTUP_CLAIMS,
                                () -> availableServers(admin, rack) + " Available");
                        stage.audit().forget();
                    } finally {
                        operator.close();
                    }
                }
            }
            OperatorProcess cleaning = launch(stage, "startup-cleanup", true);
            try {
                awaitReady(cleaning, Instant.now());
                cleanUp(stage.plane(), rack, STARTUP_CLAIMS);
            } finally {
                cleaning.close();
            }
        }
    }

    private static long availableServers(KubernetesClient admin, String rack) {
        return admin.resources(Server.class).withLabel("bench", rack).list().getItems().stream()
                .filter(s -> s.getStatus() != null && s.getStatus().getState() == ServerState.AVAILABLE).count();
    }

    private static void createNamespace(KubernetesClient admin, String namespace) {
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).create();
        admin.secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata().withName("ignition").endMetadata()
                .withStringData(Map.of("ignition", "{\"ignition\":{\"version\":\"3.4.0\"}}")).build()).create();
    }

    private static void createBmcs(ControlPlane plane, String rack, List<Integer> ports) {
        List<String> documents = new ArrayList<>();
        for (int i = 0; i < ports.size(); i++) {
            documents.add(Yaml.bmc(rack + "-bmc-" + i, ports.get(i), "bench-secret", "bench: " + rack));
            if (documents.size() == APPLY_CHUNK || i == ports.size() - 1) {
                Yaml.apply(plane, documents.toArray(String[]::new));
                documents.clear();
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

    /** Settings for the operator beyond the benchmark's, as environment variables: {@code -Dbenchmark.operator-env=K=V,K2=V2}. */
    static Map<String, String> operatorEnvironment() {
        Map<String, String> env = new java.util.TreeMap<>();
        for (String pair : System.getProperty("benchmark.operator-env", "").split(",")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                env.put(pair.substring(0, equals).trim(), pair.substring(equals + 1).trim());
            }
        }
        return env;
    }

    private static List<Integer> sizes() {
        return integers("benchmark.sizes", DEFAULT_SIZES);
    }

    /** The bound's object shapes ({@link BenchBound.Shape}), each at every level: {@code -Dbenchmark.bound-shapes=MINIMAL,FLEET,FLEET_WATCHED}. */
    private static List<BenchBound.Shape> boundShapes() {
        return java.util.Arrays.stream(System.getProperty("benchmark.bound-shapes", "MINIMAL").split(","))
                .map(String::trim).filter(v -> !v.isEmpty()).map(BenchBound.Shape::valueOf).toList();
    }

    private static List<Integer> boundConcurrency() {
        return integers("benchmark.bound-concurrency", DEFAULT_BOUND_CONCURRENCY);
    }

    private static List<Integer> integers(String property, List<Integer> defaults) {
        String value = System.getProperty(property, "");
        if (value.isBlank()) {
            return defaults;
        }
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(Integer::valueOf).toList();
    }

    /** The deadline of one step: long enough for a slow machine, so that only a stuck step runs into it. */
    static Duration deadline(int size) {
        long minutes = Long.getLong("benchmark.step-minutes", -1);
        return minutes > 0 ? Duration.ofMinutes(minutes) : Duration.ofSeconds(Math.max(180, size * 3L / 5));
    }

    private static void measure(Stage stage, OperatorProcess operator, BenchFleet fleet, Sampler sampler, Result result,
            String rack) throws Exception {
        ControlPlane plane = stage.plane();
        KubernetesClient admin = plane.admin();
        int size = result.size;
        Duration deadline = deadline(size);
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
            createBmcs(plane, rack, fleet.ports());
            result.createSeconds = seconds(discoveryStart, Instant.now());
            until("discovery: all " + size + " servers Available", deadline, () -> available(servers) == size,
                    () -> available(servers) + " of " + size + " Available, " + servers.size() + " servers seen");
            result.discoverySeconds = seconds(discoveryStart, Instant.now());

            // Claims: N at once, created as fast as the bound's best level creates its own, each selecting any server of this fleet.
            createNamespace(admin, rack);
            BenchBound.Run best = result.bestBound();
            result.creationConcurrency = best == null ? 16 : best.concurrency();
            BenchApiServer.Reading before = BenchApiServer.read(admin);
            long ticksBefore = BenchCpu.processTicks(operator.pid());
            Map<Long, BenchCpu.Thread> threadsBefore = sampler.threadsSeen();
            Instant first = Instant.now();
            Instant lastBound = null;
            Instant lastOn = null;
            try {
                parallel(size, result.creationConcurrency, i -> {
                    String name = "claim-" + i;
                    created.put(name, Instant.now());
                    stage.bench().resource(claim(rack, name, rack)).create();
                });
                until("claims: all " + size + " Bound", deadline, () -> bound.size() == size,
                        () -> bound.size() + " Bound of " + size);
                BenchApiServer.Reading atBound = BenchApiServer.read(admin);
                result.cpuWhileBinding = cpu(ticksBefore, BenchCpu.processTicks(operator.pid()), threadsBefore, sampler.threadsSeen());
                result.writeLatencyP50 = BenchApiServer.writeLatency(before, atBound, 0.50);
                result.writeLatencyP99 = BenchApiServer.writeLatency(before, atBound, 0.99);
                lastBound = bound.values().stream().max(Instant::compareTo).orElseThrow();
                result.writesPerSecondWhileBinding = BenchApiServer.writeCount(before, atBound) / Math.max(0.001, seconds(first, lastBound));
                result.apiServerCpuPerClaimWhileBindingMillis = (atBound.cpuSeconds() - before.cpuSeconds()) * 1000 / size;
                result.metalWritesPerClaimWhileBinding = (double) stage.audit().count(first, lastBound,
                        r -> r.isWrite() && r.isMetal()) / size;
                until("claims: all " + size + " PowerStateReached", deadline, () -> on.size() == size,
                        () -> bound.size() + " Bound, " + on.size() + " PowerStateReached of " + size);
                lastOn = on.values().stream().max(Instant::compareTo).orElseThrow();
                BenchApiServer.Reading atOn = BenchApiServer.read(admin);
                result.apiServerCpuPerClaimMillis = (atOn.cpuSeconds() - before.cpuSeconds()) * 1000 / size;
                result.cpuClaims = cpu(ticksBefore, BenchCpu.processTicks(operator.pid()), threadsBefore, sampler.threadsSeen());
            } finally {
                bound.forEach((name, at) -> result.bindSeconds.add(seconds(created.get(name), at)));
                on.forEach((name, at) -> result.onSeconds.add(seconds(created.get(name), at)));
                result.bindSeconds.sort(Double::compare);
                result.onSeconds.sort(Double::compare);
                Instant end = lastOn != null ? lastOn : Instant.now();
                if (lastBound != null) {
                    result.allBoundSeconds = seconds(first, lastBound);
                    result.boundPerSecond = size / Math.max(0.001, result.allBoundSeconds);
                }
                if (lastOn != null) {
                    result.onPerSecond = size / Math.max(0.001, seconds(first, lastOn));
                }
                result.writes = stage.audit().counts(first, end, true);
                result.reads = stage.audit().counts(first, end, false);
                result.metalWritesPerClaim = (double) stage.audit().count(first, end, r -> r.isWrite() && r.isMetal()) / size;
                result.eventsPerClaim = (double) stage.audit().count(first, end, r -> r.isWrite() && r.isEvent()) / size;
                result.conflictsPerClaim = (double) stage.audit().count(first, end, r -> r.isWrite() && r.code() == 409) / size;
            }

            // Release: every claim deleted, every server recycled.
            Instant releaseStart = Instant.now();
            // One request per claim, as many in flight as when they were created: a collection delete of
            // thousands outlasts a request timeout, and kubectl deletes one at a time.
            parallel(size, result.creationConcurrency, i -> stage.bench().resources(ServerClaim.class).inNamespace(rack)
                    .withName("claim-" + i).delete());
            until("release: all " + size + " servers Available again", deadline,
                    () -> claimsPresent.isEmpty() && available(servers) == size,
                    () -> claimsPresent.size() + " claims left, " + available(servers) + " of " + size + " Available");
            result.releaseSeconds = seconds(releaseStart, Instant.now());
        } finally {
            result.redfishRequests = fleet.totalRequests() - requestsBefore;
        }
    }

    /** The operator's CPU between two readings: in total, and by kind of thread (threads seen by the sampler). */
    private static Cpu cpu(long ticksBefore, long ticksAfter, Map<Long, BenchCpu.Thread> before, Map<Long, BenchCpu.Thread> after) {
        Map<String, Double> byKind = new java.util.TreeMap<>();
        after.forEach((tid, thread) -> {
            BenchCpu.Thread earlier = before.get(tid);
            long ticks = thread.ticks() - (earlier == null ? 0 : earlier.ticks());
            byKind.merge(BenchCpu.kind(thread.name()), ticks * BenchCpu.TICK_SECONDS, Double::sum);
        });
        return new Cpu((ticksAfter - ticksBefore) * BenchCpu.TICK_SECONDS, byKind);
    }

    /** Runs {@code task(0..count-1)} on {@code threads} threads and waits for all. */
    private static void parallel(int count, int threads, java.util.function.IntConsumer task) throws Exception {
        java.util.concurrent.ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread thread = new Thread(r, "benchmark-create");
            thread.setDaemon(true);
            return thread;
        });
        try {
            java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
            List<java.util.concurrent.Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                        task.accept(i);
                    }
                }));
            }
            for (java.util.concurrent.Future<?> worker : workers) {
                worker.get();
            }
        } finally {
            pool.shutdownNow();
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

    /** Removes one size's BMCs, servers and claims, so that the next size runs on its own; needs the operator running. */
    private static void cleanUp(ControlPlane plane, String rack, int size) {
        KubernetesClient admin = plane.admin();
        plane.kubectl("delete", "namespace", rack, "--wait=false", "--ignore-not-found").orFail("deleting the claims' namespace");
        try {
            // One request per object, 32 in flight: a delete-collection of 10,000 BMCs was cut off by
            // the API server while the operator was still running.
            parallel(size, 32, i -> {
                admin.resources(BMC.class).withName(rack + "-bmc-" + i).delete();
                admin.resources(Server.class).withName(rack + "-bmc-" + i + "-system-0").delete();
            });
        } catch (Exception e) {
            System.out.println("Deleting the BMCs and servers of " + rack + " failed; what is left is waited for: " + e);
        }
        try {
            until("the servers of " + rack + " to be deleted", deadline(size),
                    () -> admin.resources(Server.class).withLabel("bench", rack).list().getItems().isEmpty()
                            && admin.resources(BMC.class).withLabel("bench", rack).list().getItems().isEmpty()
                            && admin.namespaces().withName(rack).get() == null,
                    () -> "some are left");
        } catch (StepTimedOut e) {
            System.out.println("Clean-up of " + rack + " did not finish; the next size runs beside what is left: " + e.getMessage());
        }
    }

    private static ServerClaim claim(String namespace, String name, String rack) {
        ServerClaim claim = new ServerClaim();
        claim.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
        ServerClaimSpec spec = new ServerClaimSpec();
        spec.setPower(Power.ON);
        LabelSelector selector = new LabelSelector();
        selector.setMatchLabels(Map.of("bench", rack));
        spec.setServerSelector(selector);
        spec.setImage("my-osimage:latest");
        spec.setIgnitionSecretRef(new LocalObjectReference("ignition"));
        claim.setSpec(spec);
        return claim;
    }

    private static String label(String labels, String name) {
        return BenchApiServer.label(labels, name);
    }

    /** Waits for the condition, checked every 200 ms, or throws {@link StepTimedOut} with the progress made. */
    private static void until(String step, Duration deadline, java.util.concurrent.Callable<Boolean> condition,
            java.util.function.Supplier<String> progress) {
        until(step, deadline, Duration.ofMillis(200), condition, progress);
    }

    private static void until(String step, Duration deadline, Duration poll, java.util.concurrent.Callable<Boolean> condition,
            java.util.function.Supplier<String> progress) {
        try {
            // An exception is the API server being busy (or the operator not listening yet): ask again.
            org.awaitility.Awaitility.await(step).atMost(deadline).pollDelay(Duration.ZERO).pollInterval(poll)
                    .ignoreExceptionsMatching(e -> !(e instanceof IllegalStateException)).until(condition);
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
        private final BenchAudit audit;
        /** Every thread the operator has had, with its CPU ticks when last seen: ended threads keep their last reading. */
        private final Map<Long, BenchCpu.Thread> threadsSeen = new ConcurrentHashMap<>();
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "benchmark-sampler");
            thread.setDaemon(true);
            return thread;
        });
        private volatile Samples current = new Samples();
        private long ticks;

        Sampler(OperatorProcess operator, BenchAudit audit) {
            this.operator = operator;
            this.audit = audit;
            timer.scheduleAtFixedRate(this::tick, 0, 1, TimeUnit.SECONDS);
        }

        /** Starts a new window of peaks; GC counts are counted from here. */
        synchronized void startWindow() {
            Samples fresh = new Samples();
            scrape(fresh);
            fresh.gcPausesAtStart = fresh.gcPauses;
            current = fresh;
        }

        /** Every thread seen so far, with its CPU ticks, after a fresh reading. */
        Map<Long, BenchCpu.Thread> threadsSeen() {
            threadsSeen.putAll(BenchCpu.threads(operator.pid()));
            return Map.copyOf(threadsSeen);
        }

        /** The operator's CPU since its process started, by kind of thread. */
        Cpu cpuSinceStart() {
            return cpu(0, BenchCpu.processTicks(operator.pid()), Map.of(), threadsSeen());
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
                threadsSeen.putAll(BenchCpu.threads(operator.pid()));
                if (ticks++ % 2 == 0) {
                    scrape(current);
                    // Read as it grows, so that no reading has to take in minutes of log at once.
                    audit.read();
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

    /** Where the part of docs/benchmarks.md that other tests' figures fill by hand begins; kept as it is. */
    static final String HAND_WRITTEN = "<!-- Below: figures of other tests, written by hand. ScaleBenchmark keeps this part. -->";

    private static void write(List<Result> results, List<Startup> startups, Stage stage, List<Integer> sizes) {
        try {
            String kept = "";
            if (Files.exists(report())) {
                String before = Files.readString(report());
                int at = before.indexOf(HAND_WRITTEN);
                kept = at < 0 ? "" : "\n" + before.substring(at);
            }
            Files.writeString(report(), report(results, startups, stage.jvm(), sizes) + kept);
        } catch (java.io.IOException e) {
            System.out.println("Cannot write " + report() + ": " + e);
        }
    }

    static String report(List<Result> results, List<Startup> startups, DeploymentJvm.Options jvm, List<Integer> sizes) {
        StringBuilder text = new StringBuilder("""
                # Benchmarks

                Written by `ScaleBenchmark` (`./mvnw -Pbenchmark package`; `-Dbenchmark.sizes=100` for a
                quick trial, `-Dbenchmark.bound-concurrency=16,32,64,128` for the bound's levels), which
                measures the packaged operator on a real kube-apiserver and etcd. Every server has a BMC of
                its own, as real hardware is wired: fleet processes (`FleetSimulatorProcess`, up to 4,000
                BMCs each, so that none runs out of file descriptors) serve one Redfish BMC per port on
                127.0.0.1, each with one system, Basic authentication and a power transition of 0.5 s.

                For each fleet size N:
                1. **The bound**, with the operator stopped: a client with no logic (`BenchBound`, its own
                   fabric8 client, user agent `metal-benchmark-bound`) makes exactly the writes of N binds on
                   N Servers of its own, created Available beforehand: per claim it creates the claim, sets the
                   Server's `spec.serverClaimRef` (update), the claim's `spec.serverRef` (update), creates the
                   ServerBootConfiguration and patches the claim's status to Bound, each claim's writes in
                   order, at each level of claims in flight (by default 16, 32, 64 and 128; the last table
                   lists them); the best level is the bound. Before the first size's bound, its client makes
                   2,000 binds untimed, so that no level runs on a cold JVM. Its objects are deleted before
                   the operator starts.
                2. **The operator** is started, N BMC objects are created, and the operator makes a Server
                   per BMC and discovers it. Then N claims (a label selector, power On, an image and an
                   Ignition Secret) are created at the bound's best concurrency; the built-in boot service
                   makes their boot configurations Ready from a real OCI registry, and the servers are powered
                   On. Then all claims are deleted and the servers recycled, and the operator is stopped.
                3. With `-Dbenchmark.bound-again=true`, **the bound again**: once the operator is stopped,
                   the bound's writes once more, at the claims' level of concurrency, on an API server that
                   still holds the fleet's Servers, BMCs, Secrets and Events (the bound of step 1 ran before
                   they existed).

                Both timings start at the first claim's creation, so both include creating the N claims;
                the bound's ends when its last status patch is answered, the operator's when the
                benchmark's watch sees the last claim Bound. Settings: power poll interval 1 s, release
                check interval 1 s; everything else at its default.
                """);
        if (!operatorEnvironment().isEmpty()) {
            text.append("\n**Changed for this run** (`-Dbenchmark.operator-env`): ").append(operatorEnvironment().entrySet().stream()
                    .map(e -> "`" + e.getKey() + "=" + e.getValue() + "`").collect(java.util.stream.Collectors.joining(", ")))
                    .append(".\n");
        }
        text.append("\nThe operator ran with the heap the shipped Deployment gives it: deploy/base sets a memory\n")
                .append("limit of ").append(jvm.memoryLimitMiB()).append(" MiB, and the image's run-java.sh gives the heap ")
                .append(fmt(jvm.maxMemRatio())).append(" % of it\n(`JAVA_MAX_MEM_RATIO`), with its default GC options. ")
                .append("The operator's JVM (Java ").append(System.getProperty("java.specification.version"))
                .append(" here, 21 in the image) was\nstarted with:\n\n```\n").append(String.join(" ", jvm.jvmOptions()))
                .append("\n```\n\n")
                .append(jvm.nativeEnvironment().isEmpty() ? "" : "in an environment with the Deployment's "
                        + jvm.nativeEnvironment().entrySet().stream().map(e -> "`" + e.getKey() + "=" + e.getValue() + "`")
                                .collect(java.util.stream.Collectors.joining(", ")) + ", ")
                .append("and, as the image does, with a class data sharing archive that the same JVM wrote from the\n")
                .append("packaged jar (`-XX:SharedArchiveFile=... -Xshare:on`; docs/packaging.md), except in the column\n")
                .append("marked \"no CDS archive\". Outside a container nothing enforces the memory limit: a peak\n")
                .append("resident memory above it is what would have had the pod killed.\n\n");
        text.append("""
                How it is counted:
                - **The operator's requests** come from the API server's audit log: the operator
                  authenticates as its ServiceAccount and the benchmark as the admin, and the audit policy
                  logs the ServiceAccount's requests only (Metadata level), so the counts are exact and
                  nothing of the benchmark's own is in them. A request counts when the API server received
                  it between the first claim's creation and the last claim's PowerStateReached; a watch
                  counts when it starts. Per claim means divided by N.
                - **API server latency**: `apiserver_request_duration_seconds` of the writes (POST, PUT,
                  PATCH, DELETE) of all clients, from the first claim's creation until all were Bound,
                  interpolated within the histogram's buckets as `histogram_quantile` does. The API server's
                  CPU is its `process_cpu_seconds_total`.
                - **The operator's CPU** is `utime + stime` of /proc/PID/stat; by thread from
                  /proc/PID/task/*/stat, grouped by name (the JIT's `C1/C2 CompilerThre`; GC and VM threads;
                  the rest), sampled every second, so a thread that ended keeps its last reading.
                - Threads are `Threads:` of /proc/PID/status, resident memory `VmRSS` (sampled every second)
                  and `VmHWM` (the kernel's peak, reset at the start of each size where the kernel allows),
                  heap and GC counts the operator's own /q/metrics (every two seconds).

                These figures come from a 2-core machine that other work was sharing, so absolute times vary
                from run to run; the ratios measured in the same run carry over to other machines, the
                absolute times do not. A step that does not finish within its deadline ends the run: the
                figures up to there are kept, and the table says which step timed out.

                """);
        text.append("Measured on ").append(LocalDate.now()).append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores; sizes asked for: ").append(sizes).append(".\n");
        if (!sizes.equals(DEFAULT_SIZES)) {
            text.append("\n**A trial run:** only ").append(sizes).append(" was asked for, not the default sizes ")
                    .append(DEFAULT_SIZES).append(".\n");
        }

        if (!startups.isEmpty()) {
            text.append("\n## Start-up, with and without the class data sharing archive\n\n")
                    .append("A fleet of ").append(STARTUP_CLAIMS).append(" servers is discovered once; then, for each variant, ")
                    .append(STARTUP_CLAIMS).append(" claims are created while the operator\nis stopped, and the operator is ")
                    .append("started; the variants take turns. Times run from its process's start (/proc), readiness\n")
                    .append("polled every 20 ms.\n\n");
            text.append("| figure |");
            startups.forEach(st -> text.append(st.archive ? " with the archive |" : " without |"));
            text.append("\n|---|");
            startups.forEach(st -> text.append("---|"));
            text.append('\n');
            startupRow(text, "process start until /q/health/ready is UP (s)", startups, st -> fmt(st.readySeconds));
            startupRow(text, "process start until the first claim is Bound (s)", startups, st -> fmt(st.firstBoundSeconds));
            startupRow(text, "process start until all " + STARTUP_CLAIMS + " claims are Bound (s)", startups,
                    st -> fmt(st.allBoundSeconds));
            startupRow(text, "operator CPU until then (s)", startups, st -> fmt(st.cpu.seconds()));
            startupRow(text, "of which JIT compiler threads", startups, st -> pct(st.cpu.share("JIT compiler")));
            startupRow(text, "resident memory then (MiB)", startups, st -> mib(st.rssKiB * 1024));
        }

        text.append("\n## Fleet sizes\n\n| figure |");
        results.forEach(r -> text.append(" ").append(r.label()).append(" |"));
        text.append("\n|---|");
        results.forEach(r -> text.append("---|"));
        text.append('\n');
        row(text, "finished", results, r -> r.timedOut == null ? "yes" : "**no: timed out at " + r.timedOut + "**");
        row(text, "operator process start until ready (s)", results, r -> fmt(r.startSeconds));
        row(text, "BMC objects created (s)", results, r -> fmt(r.createSeconds));
        row(text, "discovery: first BMC created until every server is Available (s)", results, r -> fmt(r.discoverySeconds));
        row(text, "**bound**: N binds by the minimal client (s), best level", results,
                r -> r.bestBound() == null ? "-" : fmt(r.bestBound().seconds()) + " (" + r.bestBound().concurrency() + " in flight)");
        row(text, "**bound**: claims per second", results, r -> r.bestBound() == null ? "-" : fmt(r.bestBound().claimsPerSecond()));
        row(text, "**operator: first claim created until all Bound (s)**", results, r -> fmt(r.allBoundSeconds));
        row(text, "**operator's all-Bound time / the bound's**", results,
                r -> r.bestBound() == null ? "-" : ratio(r.allBoundSeconds, r.bestBound().seconds()));
        if (results.stream().anyMatch(r -> r.bestBound(BenchBound.Shape.FLEET_WATCHED) != null)) {
            row(text, "the same writes on the operator's objects, each kind watched once (FLEET_WATCHED), best level (s); "
                    + "the operator's all-Bound time / it", results, r -> {
                        BenchBound.Run watched = r.bestBound(BenchBound.Shape.FLEET_WATCHED);
                        return watched == null ? "-"
                                : fmt(watched.seconds()) + " (" + watched.concurrency() + " in flight); "
                                        + ratio(r.allBoundSeconds, watched.seconds());
                    });
        }
        row(text, "claims bound per second (claims created at this many in flight)", results,
                r -> fmt(r.boundPerSecond) + " (" + r.creationConcurrency + ")");
        row(text, "claims Bound / PowerStateReached (of N)", results, r -> r.bindSeconds.size() + " / " + r.onSeconds.size());
        row(text, "bind latency p50 / p95 / max (s)", results, r -> percentiles(r.bindSeconds));
        row(text, "created until PowerStateReached p50 / p95 / max (s)", results, r -> percentiles(r.onSeconds));
        row(text, "claims powered On per second", results, r -> fmt(r.onPerSecond));
        row(text, "operator's writes to metal.ironcore.dev per claim: until all Bound / until all On", results,
                r -> fmt(r.metalWritesPerClaimWhileBinding) + " / " + fmt(r.metalWritesPerClaim));
        row(text, "operator's Events written per claim", results, r -> fmt(r.eventsPerClaim));
        row(text, "operator's writes refused with a conflict (409) per claim", results, r -> fmt(r.conflictsPerClaim));
        row(text, "API server write latency while binding, p50 / p99 (ms), all clients", results,
                r -> ms(r.writeLatencyP50) + " / " + ms(r.writeLatencyP99));
        row(text, "API server writes answered per second while binding, all clients", results, r -> fmt(r.writesPerSecondWhileBinding));
        row(text, "API server CPU per claim while binding (ms): the bound's best level / the operator's", results,
                r -> (r.bestBound() == null ? "-" : fmt(r.bestBound().apiServerCpuPerClaimMillis())) + " / "
                        + fmt(r.apiServerCpuPerClaimWhileBindingMillis));
        if (results.stream().anyMatch(r -> !r.boundAgain.isEmpty())) {
            row(text, "the bound again after the operator, the fleet's objects still held: time (s); API server CPU per claim (ms)",
                    results, r -> r.boundAgain.isEmpty() ? "-"
                            : fmt(r.boundAgain.get(0).seconds()) + "; " + fmt(r.boundAgain.get(0).apiServerCpuPerClaimMillis()));
        }
        row(text, "API server CPU per claim, created until all On (ms)", results, r -> fmt(r.apiServerCpuPerClaimMillis));
        row(text, "operator CPU while binding / until all On (s)", results,
                r -> fmt(r.cpuWhileBinding.seconds()) + " / " + fmt(r.cpuClaims.seconds()));
        row(text, "share of the operator's CPU until all On: JIT compiler / GC and VM / application", results,
                r -> pct(r.cpuClaims.share("JIT compiler")) + " / " + pct(r.cpuClaims.share("GC and VM")) + " / "
                        + pct(r.cpuClaims.share("application")));
        row(text, "all claims deleted until every server is Available again (s)", results, r -> fmt(r.releaseSeconds));
        row(text, "Redfish requests received by the BMCs, per server", results,
                r -> r.redfishRequests < 0 ? "-" : fmt((double) r.redfishRequests / r.size));
        row(text, "operator threads: once ready / peak / final", results, r -> r.threadsAtStart + " / "
                + (r.samples == null ? "-" : r.samples.peakThreads + " / " + r.samples.lastThreads));
        row(text, "operator resident memory: peak sampled VmRSS / VmHWM / final VmRSS (MiB)", results, r -> r.samples == null ? "-"
                : mib(r.samples.peakRssKiB * 1024) + " / " + mib(r.samples.hwmKiB * 1024) + (r.hwmReset ? "" : " (since start)")
                        + " / " + mib(r.samples.lastRssKiB * 1024));
        row(text, "heap used: peak / final (MiB)", results, r -> r.samples == null ? "-"
                : mib(r.samples.peakHeapUsed) + " / " + mib(r.samples.lastHeapUsed));
        row(text, "heap committed: peak / final; max (MiB)", results, r -> r.samples == null ? "-"
                : mib(r.samples.peakHeapCommitted) + " / " + mib(r.samples.lastHeapCommitted) + "; " + mib(r.samples.heapMax));
        row(text, "GC pauses during the size, by action", results, ScaleBenchmark::gcPauses);

        java.util.Set<String> writeKinds = new java.util.TreeSet<>();
        java.util.Set<String> readKinds = new java.util.TreeSet<>();
        results.forEach(r -> {
            writeKinds.addAll(r.writes.keySet());
            readKinds.addAll(r.reads.keySet());
        });
        if (!writeKinds.isEmpty() || !readKinds.isEmpty()) {
            text.append("\n### The operator's requests per claim, by verb and resource\n\n")
                    .append("From the audit log, first claim created until all PowerStateReached, divided by N.\n\n| request |");
            results.forEach(r -> text.append(" ").append(r.label()).append(" |"));
            text.append("\n|---|");
            results.forEach(r -> text.append("---|"));
            text.append('\n');
            writeKinds.forEach(k -> row(text, "write: " + k, results, r -> fmt3(r.writes.getOrDefault(k, 0L) / (double) r.size)));
            readKinds.forEach(k -> row(text, "read: " + k, results, r -> fmt3(r.reads.getOrDefault(k, 0L) / (double) r.size)));
        }

        List<Result> withBound = results.stream().filter(r -> !r.bound.isEmpty()).toList();
        if (!withBound.isEmpty()) {
            text.append("\n### The bound at each level of concurrency\n\n")
                    .append("Claims in flight: time for N binds (s), claims per second, and the API server's write latency\n")
                    .append("p50 / p99 (ms) meanwhile (").append(BenchBound.WRITES_PER_CLAIM).append(" writes per claim). The bound is\n")
                    .append("the best MINIMAL row; FLEET rows (`-Dbenchmark.bound-shapes=MINIMAL,FLEET,FLEET_WATCHED`) make the same writes on\n")
                    .append("objects shaped as the operator's, and FLEET_WATCHED rows with the bound's client watching each kind\n")
                    .append("once meanwhile (`BenchBound.Shape`).\n\n")
                    .append("| N | objects | in flight | time (s) | claims/s | write latency p50 / p99 (ms) | API server CPU per claim (ms) |\n")
                    .append("|---|---|---|---|---|---|---|\n");
            java.util.Set<Integer> done = new java.util.HashSet<>();
            for (Result r : withBound) {
                if (done.add(r.size)) {
                    for (BenchBound.Run run : r.bound) {
                        text.append("| ").append(r.size).append(" | ").append(run.shape()).append(" | ").append(run.concurrency())
                                .append(" | ").append(fmt(run.seconds()))
                                .append(" | ").append(fmt(run.claimsPerSecond())).append(" | ").append(ms(run.writeLatency(0.5)))
                                .append(" / ").append(ms(run.writeLatency(0.99))).append(" | ")
                                .append(fmt(run.apiServerCpuPerClaimMillis())).append(" |\n");
                    }
                }
            }
        }

        List<Result> complete = results.stream().filter(r -> r.timedOut == null && r.archive).toList();
        if (complete.size() >= 2) {
            Result small = complete.get(0);
            Result large = complete.get(complete.size() - 1);
            double factor = (double) large.size / small.size;
            text.append("\nFrom ").append(small.size).append(" to ").append(large.size).append(" servers (")
                    .append(fmt(factor)).append("x), in the same run:\n");
            text.append("- discovery took ").append(ratio(large.discoverySeconds, small.discoverySeconds)).append("x as long;\n");
            text.append("- all-Bound took ").append(ratio(large.allBoundSeconds, small.allBoundSeconds)).append("x as long, the bound ")
                    .append(large.bestBound() == null || small.bestBound() == null ? "-"
                            : ratio(large.bestBound().seconds(), small.bestBound().seconds()))
                    .append("x;\n");
            text.append("- p95 bind latency grew ").append(ratio(percentile(large.bindSeconds, 0.95),
                    percentile(small.bindSeconds, 0.95))).append("x, p95 created until powered On ")
                    .append(ratio(percentile(large.onSeconds, 0.95), percentile(small.onSeconds, 0.95))).append("x;\n");
            text.append("- peak threads went ").append(ratio(large.samples.peakThreads, small.samples.peakThreads))
                    .append("x (").append(small.samples.peakThreads).append(" to ").append(large.samples.peakThreads).append(");\n");
            text.append("- peak resident memory went ").append(ratio(large.samples.peakRssKiB, small.samples.peakRssKiB))
                    .append("x, peak heap used ").append(ratio(large.samples.peakHeapUsed, small.samples.peakHeapUsed)).append("x;\n");
            text.append("- writes to metal.ironcore.dev per claim went from ").append(fmt(small.metalWritesPerClaim)).append(" to ")
                    .append(fmt(large.metalWritesPerClaim)).append(".\n");
        } else if (results.stream().anyMatch(r -> r.timedOut != null)) {
            text.append("\nNo ratio between sizes: a size did not finish.\n");
        }
        return text.toString();
    }

    private static void startupRow(StringBuilder text, String figure, List<Startup> startups, Function<Startup, String> cell) {
        text.append("| ").append(figure).append(" |");
        startups.forEach(st -> text.append(' ').append(cell.apply(st)).append(" |"));
        text.append('\n');
    }

    private static String ms(double seconds) {
        return Double.isNaN(seconds) ? "-" : String.format(Locale.ROOT, "%.0f", seconds * 1000);
    }

    private static String pct(double share) {
        return Double.isNaN(share) ? "-" : String.format(Locale.ROOT, "%.0f %%", share * 100);
    }

    private static String fmt3(double value) {
        return value == 0 ? "0" : String.format(Locale.ROOT, "%.3f", value);
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
