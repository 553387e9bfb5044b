package dev.metalprov.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.metalprov.testing.FleetSimulatorProcess;

/**
 * One fleet size's BMCs, spread over {@link FleetSimulatorProcess}es of at most
 * {@value #PER_PROCESS} BMCs each, so that no process runs out of file descriptors (a listening
 * socket per BMC and a connection per client). They listen on ports below the kernel's ephemeral
 * range (from {@value #FIRST_PORT}), which the clients' own connections then have to themselves.
 */
final class BenchFleet implements AutoCloseable {

    static final int PER_PROCESS = 4000;
    static final int FIRST_PORT = 10000;
    /** Ports per process: its BMCs and room for ports that other programs hold. */
    private static final int PORTS_PER_PROCESS = 5000;

    private final List<FleetSimulatorProcess> processes = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();

    private BenchFleet() {
    }

    /** Starts {@code size} BMCs with these Basic credentials and a 0.5 s power transition. */
    static BenchFleet start(int size, String username, String password, Path logs) {
        BenchFleet fleet = new BenchFleet();
        try {
            Files.createDirectories(logs);
            for (int first = 0, index = 0; first < size; first += PER_PROCESS, index++) {
                int firstPort = FIRST_PORT + index * PORTS_PER_PROCESS;
                FleetSimulatorProcess process = FleetSimulatorProcess.start(username, password, Duration.ofMillis(500), firstPort,
                        firstPort + PORTS_PER_PROCESS - 1, logs.resolve("fleet-" + size + "-" + index + ".log"));
                fleet.processes.add(process);
                fleet.ports.addAll(process.add(Math.min(PER_PROCESS, size - first)));
            }
            return fleet;
        } catch (RuntimeException | java.io.IOException e) {
            fleet.close();
            throw e instanceof RuntimeException r ? r : new java.io.UncheckedIOException((java.io.IOException) e);
        }
    }

    /** The BMCs' ports, one per server. */
    List<Integer> ports() {
        return List.copyOf(ports);
    }

    int processes() {
        return processes.size();
    }

    /** Redfish requests received by all BMCs together. */
    long totalRequests() {
        return processes.stream().mapToLong(FleetSimulatorProcess::totalRequests).sum();
    }

    @Override
    public void close() {
        processes.forEach(FleetSimulatorProcess::close);
    }
}
