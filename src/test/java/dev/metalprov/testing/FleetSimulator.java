package dev.metalprov.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Many Redfish BMCs in one process, as a rack or a whole fleet is wired: every {@link Endpoint}
 * listens on its own port on 127.0.0.1 and manages one system, with its own power state, boot
 * override and inventory. Clients authenticate with Basic: the service root offers no session
 * service, so a careful client falls back to Basic as it does with sushy-tools.
 *
 * <p>It costs no thread per BMC: every endpoint is a Vert.x HTTP server on one shared Vertx with
 * two event loops, and a power transition is judged when the system is read, not by a timer.
 * Thousands of endpoints cost file descriptors and a little memory, and the JVM's thread count
 * stays where it was after the first one.
 *
 * <p>Faults are set per endpoint or for a set of them ({@link Fault}): a BMC that accepts
 * connections and never answers, one that refuses connections, and one that acknowledges a boot
 * override but does not keep it. Requests are counted per endpoint, hung ones included.
 */
public final class FleetSimulator implements AutoCloseable {

    /** What a BMC can do to its clients. */
    public enum Fault {
        /** Connections are accepted and requests read, but no answer is ever sent. */
        HANG,
        /** The listening socket is closed: connections are refused, open ones are closed. */
        REFUSE,
        /** A PATCH of Boot is acknowledged, but the system reads back {@code BootSourceOverrideEnabled: Disabled}. */
        REVERT_BOOT_OVERRIDE
    }

    public static final String SYSTEM_ID = "1";
    public static final String MANAGER_ID = "BMC";

    private static final String ROOT = "/redfish/v1";
    private static final String SYSTEMS = ROOT + "/Systems";
    private static final String SYSTEM = SYSTEMS + "/" + SYSTEM_ID;
    private static final String RESET = SYSTEM + "/Actions/ComputerSystem.Reset";
    private static final String MANAGERS = ROOT + "/Managers";
    private static final String MANAGER = MANAGERS + "/" + MANAGER_ID;
    private static final String CHASSIS = ROOT + "/Chassis";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Vertx vertx;
    private final String authorization;
    private final List<Endpoint> endpoints = new CopyOnWriteArrayList<>();
    private volatile Duration powerTransition = Duration.ofMillis(500);
    private volatile boolean closed;
    private volatile java.nio.file.Path keyStore;
    private volatile String keyStorePassword;
    /** The next port to try and the last one of a fixed range, or 0 for ports the kernel picks. */
    private int nextPort;
    private int lastPort;

    /** A fleet with two event loops whose BMCs take these Basic credentials. */
    public FleetSimulator(String username, String password) {
        this(username, password, 2);
    }

    public FleetSimulator(String username, String password, int eventLoops) {
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        // No file caching or class-path resolving: nothing is written to disk, no helper threads.
        // Daemon threads: a fleet left open never keeps a JVM (a test runner, Maven's exec) from ending.
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops).setWorkerPoolSize(1).setUseDaemonThread(true)
                .setInternalBlockingPoolSize(1)
                .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false).setClassPathResolvingEnabled(false)));
    }

    /**
     * BMCs added from now on speak HTTPS with the key and certificate of this PKCS#12 or JKS key
     * store (the first key in it), as BMCs with their own self-signed certificates do.
     */
    public FleetSimulator tls(java.nio.file.Path keyStore, String password) {
        this.keyStore = keyStore;
        this.keyStorePassword = password;
        return this;
    }

    /**
     * BMCs added from now on listen on the first free ports of this range, not on ports the kernel
     * picks from its ephemeral range: a fleet of thousands would otherwise take the ports that
     * its clients' connections need from that same range.
     */
    public synchronized FleetSimulator ports(int first, int last) {
        this.nextPort = first;
        this.lastPort = last;
        return this;
    }

    /** How long a Reset shows PoweringOn or PoweringOff before the new state; 500 ms unless set. */
    public FleetSimulator powerTransition(Duration transition) {
        this.powerTransition = transition;
        return this;
    }

    /** Adds {@code count} BMCs, each on a new port with one system that is Off; their UUIDs are random. */
    public List<Endpoint> add(int count) {
        List<String> uuids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            uuids.add(UUID.randomUUID().toString());
        }
        return add(uuids);
    }

    /** Adds one BMC per UUID, each on a new port with one system of that UUID that is Off. */
    public List<Endpoint> add(List<String> systemUuids) {
        List<Endpoint> added = new ArrayList<>();
        List<Future<HttpServer>> listening = new ArrayList<>();
        for (String uuid : systemUuids) {
            Endpoint endpoint = new Endpoint(endpoints.size() + added.size(), uuid);
            added.add(endpoint);
            if (nextPort > 0) {
                listenInRange(endpoint);
            } else {
                listening.add(endpoint.listen(0));
            }
        }
        await(Future.all(listening), "listening on " + systemUuids.size() + " new ports");
        endpoints.addAll(added);
        return added;
    }

    /** Binds the endpoint to the next port of the range that is free; another program may hold some. */
    private synchronized void listenInRange(Endpoint endpoint) {
        while (true) {
            if (nextPort > lastPort) {
                throw new IllegalStateException("no free port left in the fleet's range (up to " + lastPort + ")");
            }
            int port = nextPort++;
            try {
                await(endpoint.listen(port), "listening on port " + port);
                return;
            } catch (IllegalStateException inUse) {
                // Taken by something else: the next one.
            }
        }
    }

    /** Every BMC, in the order they were added. */
    public List<Endpoint> endpoints() {
        return List.copyOf(endpoints);
    }

    /** Sets the fault on each of these BMCs. */
    public void inject(Collection<Endpoint> targets, Fault fault) {
        targets.forEach(e -> e.inject(fault));
    }

    /** Lifts the fault from each of these BMCs. */
    public void lift(Collection<Endpoint> targets, Fault fault) {
        targets.forEach(e -> e.lift(fault));
    }

    /** Requests received by all BMCs together, hung ones included. */
    public long totalRequests() {
        return endpoints.stream().mapToLong(Endpoint::requests).sum();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            await(vertx.close(), "closing the fleet");
        } catch (RuntimeException e) {
            // Best effort: the event loops are daemon threads.
        }
    }

    private static <T> T await(Future<T> future, String what) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + what, e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("failed " + what, e);
        }
    }

    /** One BMC with one system. Its state is guarded by its own monitor; the event loops only hold it briefly. */
    public final class Endpoint {

        private final int index;
        private final String uuid;
        private final String serialNumber;
        private final AtomicLong requests = new AtomicLong();
        private final Set<HttpServerRequest> held = ConcurrentHashMap.newKeySet();
        private final Set<Fault> faults = EnumSet.noneOf(Fault.class);
        private volatile HttpServer server;
        private volatile int port;
        /** The key store of its TLS, or null for plain HTTP: fixed when the BMC is added. */
        private final java.nio.file.Path tls = keyStore;
        private final String tlsPassword = keyStorePassword;

        private String power = "Off";
        private String pendingPower;
        private long pendingDueNanos;
        private String bootEnabled = "Disabled";
        private String bootTarget = "None";
        private String bootMode = "UEFI";
        private String httpBootUri = "";
        private final List<String> resets = new ArrayList<>();

        private Endpoint(int index, String uuid) {
            this.index = index;
            this.uuid = uuid;
            this.serialNumber = String.format("FLT%07d", index);
        }

        public int port() {
            return port;
        }

        public String systemUuid() {
            return uuid;
        }

        /** The system's URI on this BMC. */
        public String systemUri() {
            return SYSTEM;
        }

        /** Requests this BMC has received, answered or not. */
        public long requests() {
            return requests.get();
        }

        /** Requests received and held without an answer now. */
        public int hanging() {
            return held.size();
        }

        public synchronized String powerState() {
            settle();
            return power;
        }

        /** Sets the power state at once, ending any transition. */
        public synchronized void setPower(String state) {
            power = state;
            pendingPower = null;
        }

        /** The override as a GET shows it: enabled/target, e.g. "Once/Pxe". */
        public synchronized String bootOverride() {
            return bootEnabled + "/" + bootTarget;
        }

        /** The ResetType of every accepted Reset, oldest first. */
        public synchronized List<String> resets() {
            return List.copyOf(resets);
        }

        public synchronized boolean has(Fault fault) {
            return faults.contains(fault);
        }

        public void inject(Fault fault) {
            synchronized (this) {
                if (!faults.add(fault)) {
                    return;
                }
            }
            if (fault == Fault.REFUSE) {
                HttpServer listening = server;
                server = null;
                if (listening != null) {
                    await(listening.close(), "closing port " + port);
                }
            }
        }

        public void lift(Fault fault) {
            synchronized (this) {
                if (!faults.remove(fault)) {
                    return;
                }
            }
            if (fault == Fault.HANG) {
                // Like a BMC that comes back from a lock-up: what it held is dropped, new requests are answered.
                for (HttpServerRequest request : List.copyOf(held)) {
                    held.remove(request);
                    request.connection().close();
                }
            } else if (fault == Fault.REFUSE) {
                await(listen(port), "listening again on port " + port);
            }
        }

        private Future<HttpServer> listen(int onPort) {
            // HTTP/1.1 only, as BMCs speak it: no h2c upgrade, so one hung request holds one connection.
            HttpServerOptions options = new HttpServerOptions().setHost("127.0.0.1").setPort(onPort)
                    .setReuseAddress(true).setIdleTimeout(0).setHttp2ClearTextEnabled(false);
            if (tls != null) {
                options.setSsl(true).setKeyCertOptions(new io.vertx.core.net.KeyStoreOptions()
                        .setType(tls.getFileName().toString().endsWith(".jks") ? "JKS" : "PKCS12")
                        .setPath(tls.toString()).setPassword(tlsPassword));
            }
            HttpServer created = vertx.createHttpServer(options);
            created.requestHandler(this::handle);
            return created.listen().onSuccess(s -> {
                server = s;
                port = s.actualPort();
            });
        }

        private void handle(HttpServerRequest request) {
            requests.incrementAndGet();
            if (has(Fault.HANG)) {
                held.add(request);
                request.connection().closeHandler(v -> held.remove(request));
                return;
            }
            request.body().onComplete(body -> {
                if (body.failed()) {
                    return;
                }
                Answer answer;
                try {
                    answer = answer(request.method(), request.path(), request.getHeader("Authorization"), body.result());
                } catch (RuntimeException e) {
                    answer = error(500, "InternalError", "The simulator failed: " + e);
                }
                var response = request.response().setStatusCode(answer.status()).putHeader("OData-Version", "4.0");
                if (answer.body() == null) {
                    response.end();
                } else {
                    response.putHeader("Content-Type", "application/json; charset=utf-8").end(answer.body().encode());
                }
            });
        }

        private Answer answer(HttpMethod method, String rawPath, String credentials, Buffer body) {
            String path = rawPath.length() > 1 && rawPath.endsWith("/") ? rawPath.substring(0, rawPath.length() - 1) : rawPath;
            if (path.equals("/redfish")) {
                return get(method, () -> new JsonObject().put("v1", ROOT + "/"));
            }
            if (path.equals(ROOT)) {
                return get(method, this::serviceRoot);
            }
            if (!authorization.equals(credentials)) {
                return error(401, "NoValidSession", "There is no valid session established with the implementation.");
            }
            return switch (path) {
                case SYSTEMS -> get(method, () -> collection("#ComputerSystemCollection.ComputerSystemCollection", SYSTEMS, SYSTEM));
                case SYSTEM -> method == HttpMethod.GET ? new Answer(200, system())
                        : method == HttpMethod.PATCH ? patch(body) : notAllowed();
                case RESET -> method == HttpMethod.POST ? reset(body) : notAllowed();
                case SYSTEM + "/Processors" -> get(method, () -> collection("#ProcessorCollection.ProcessorCollection", path));
                case SYSTEM + "/EthernetInterfaces" -> get(method,
                        () -> collection("#EthernetInterfaceCollection.EthernetInterfaceCollection", path));
                case MANAGERS -> get(method, () -> collection("#ManagerCollection.ManagerCollection", MANAGERS, MANAGER));
                case MANAGER -> get(method, this::manager);
                case CHASSIS -> get(method, () -> collection("#ChassisCollection.ChassisCollection", CHASSIS));
                default -> error(404, "ResourceMissingAtURI", "The resource at the URI " + path + " was not found.");
            };
        }

        private JsonObject serviceRoot() {
            // No SessionService: clients use Basic authentication.
            return resource("#ServiceRoot.v1_5_0.ServiceRoot", ROOT, "RootService", "Root Service")
                    .put("RedfishVersion", "1.8.0")
                    .put("UUID", new UUID(0x5eed, index).toString())
                    .put("Systems", link(SYSTEMS))
                    .put("Managers", link(MANAGERS))
                    .put("Chassis", link(CHASSIS));
        }

        private synchronized JsonObject system() {
            settle();
            return resource("#ComputerSystem.v1_13_0.ComputerSystem", SYSTEM, SYSTEM_ID, "System " + index)
                    .put("SystemType", "Physical")
                    .put("UUID", uuid)
                    .put("Manufacturer", "Contoso")
                    .put("Model", "Fleet 1U")
                    .put("SerialNumber", serialNumber)
                    .put("PowerState", power)
                    .put("Status", new JsonObject().put("State", "Enabled").put("Health", "OK"))
                    .put("MemorySummary", new JsonObject().put("TotalSystemMemoryGiB", 64))
                    .put("Boot", new JsonObject()
                            .put("BootSourceOverrideEnabled", bootEnabled)
                            .put("BootSourceOverrideTarget", bootTarget)
                            .put("BootSourceOverrideTarget@Redfish.AllowableValues", new JsonArray().add("None").add("Pxe").add("Hdd").add("UefiHttp"))
                            .put("BootSourceOverrideMode", bootMode)
                            .put("HttpBootUri", httpBootUri))
                    .put("Processors", link(SYSTEM + "/Processors"))
                    .put("EthernetInterfaces", link(SYSTEM + "/EthernetInterfaces"))
                    .put("Links", new JsonObject().put("ManagedBy", new JsonArray().add(link(MANAGER))))
                    .put("Actions", new JsonObject().put("#ComputerSystem.Reset", new JsonObject()
                            .put("target", RESET)
                            .put("ResetType@Redfish.AllowableValues", new JsonArray().add("On").add("ForceOn")
                                    .add("GracefulShutdown").add("ForceOff").add("ForceRestart").add("GracefulRestart"))));
        }

        private JsonObject manager() {
            return resource("#Manager.v1_10_0.Manager", MANAGER, MANAGER_ID, "Manager")
                    .put("ManagerType", "BMC")
                    .put("UUID", new UUID(0xb3c, index).toString())
                    .put("Manufacturer", "Contoso")
                    .put("Model", "Contoso BMC 3")
                    .put("SerialNumber", "BMC" + serialNumber)
                    .put("FirmwareVersion", "3.10.2")
                    .put("PowerState", "On");
        }

        private synchronized Answer patch(Buffer body) {
            JsonObject request;
            try {
                request = body.toJsonObject();
            } catch (DecodeException | ClassCastException e) {
                return error(400, "MalformedJSON", "The request body submitted was malformed JSON.");
            }
            for (String property : request.fieldNames()) {
                if (!property.equals("Boot")) {
                    return error(400, "PropertyUnknown", "The property " + property + " is not in the list of valid properties.");
                }
            }
            JsonObject boot = request.getJsonObject("Boot", new JsonObject());
            if (faults.contains(Fault.REVERT_BOOT_OVERRIDE)) {
                // Acknowledged and dropped, as some firmware does: the old override stays, disabled.
                bootEnabled = "Disabled";
                return new Answer(204, null);
            }
            bootEnabled = boot.getString("BootSourceOverrideEnabled", bootEnabled);
            bootTarget = boot.getString("BootSourceOverrideTarget", bootTarget);
            bootMode = boot.getString("BootSourceOverrideMode", bootMode);
            httpBootUri = boot.getString("HttpBootUri", httpBootUri);
            return new Answer(204, null);
        }

        private synchronized Answer reset(Buffer body) {
            String type;
            try {
                type = body.toJsonObject().getString("ResetType");
            } catch (DecodeException | ClassCastException e) {
                return error(400, "MalformedJSON", "The request body submitted was malformed JSON.");
            }
            String target = switch (type == null ? "" : type) {
                case "On", "ForceOn", "ForceRestart", "GracefulRestart", "PowerCycle" -> "On";
                case "GracefulShutdown", "ForceOff" -> "Off";
                default -> null;
            };
            if (target == null) {
                return error(400, "ActionParameterValueNotInList", "The ResetType " + type + " is not supported.");
            }
            settle();
            resets.add(type);
            Duration transition = powerTransition;
            if (transition.isZero() || transition.isNegative()) {
                power = target;
                pendingPower = null;
            } else {
                pendingPower = target;
                pendingDueNanos = System.nanoTime() + transition.toNanos();
                power = target.equals("On") ? "PoweringOn" : "PoweringOff";
            }
            return new Answer(204, null);
        }

        /** A transition is over once its time has passed; judged when read, so no timer runs. */
        private void settle() {
            if (pendingPower != null && System.nanoTime() - pendingDueNanos >= 0) {
                power = pendingPower;
                pendingPower = null;
            }
        }

        @Override
        public String toString() {
            return "BMC " + index + " on 127.0.0.1:" + port + " (system " + uuid + ")";
        }
    }

    private record Answer(int status, JsonObject body) {
    }

    private static Answer get(HttpMethod method, java.util.function.Supplier<JsonObject> body) {
        return method == HttpMethod.GET ? new Answer(200, body.get()) : notAllowed();
    }

    private static Answer notAllowed() {
        return error(405, "OperationNotAllowed", "The HTTP method is not allowed on this resource.");
    }

    private static Answer error(int status, String id, String message) {
        return new Answer(status, new JsonObject().put("error", new JsonObject()
                .put("code", "Base.1.8." + id).put("message", message)
                .put("@Message.ExtendedInfo", new JsonArray().add(new JsonObject()
                        .put("MessageId", "Base.1.8." + id).put("Message", message)))));
    }

    private static JsonObject resource(String type, String path, String id, String name) {
        return new JsonObject().put("@odata.type", type).put("@odata.id", path).put("Id", id).put("Name", name);
    }

    private static JsonObject link(String path) {
        return new JsonObject().put("@odata.id", path);
    }

    private static JsonObject collection(String type, String path, String... members) {
        JsonArray list = new JsonArray();
        for (String member : members) {
            list.add(link(member));
        }
        return resource(type, path, path.substring(path.lastIndexOf('/') + 1), path.substring(path.lastIndexOf('/') + 1))
                .put("Members", list).put("Members@odata.count", members.length);
    }
}
