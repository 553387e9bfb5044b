package dev.metalprov.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The pod network of the one-node cluster: a Linux bridge of its own with a /24 that nothing on
 * the machine routes yet, which the CNI bridge plugin plugs the pods into. Its address (the pods'
 * gateway) is the machine as the pods see it: a process that listens there (the Redfish emulator,
 * the OCI registry) is reachable from a pod, one on 127.0.0.1 is not.
 *
 * <p>There is no kube-proxy: the API server, on 127.0.0.1, is reached from pods at the address of
 * the {@code kubernetes} Service through one DNAT rule in a chain of this network's own, for
 * traffic that comes in on this bridge only, with {@code route_localnet} on the bridge so that the
 * kernel delivers it to loopback. {@link #close} removes the rule, the chain and the bridge.
 */
final class PodNetwork implements AutoCloseable {

    private final String bridge;
    private final String subnetPrefix;
    private final String chain;
    private boolean chainCreated;
    private boolean bridgeCreated;

    private PodNetwork(String id, String subnetPrefix) {
        this.bridge = "mpbr" + id;
        this.chain = "METALPROV-" + id.toUpperCase();
        this.subnetPrefix = subnetPrefix;
    }

    /** Creates the bridge with its gateway address on a free 10.244.N.0/24. */
    static PodNetwork create() {
        String routes = ip("-4", "route", "show", "table", "all").out() + ip("-4", "addr", "show").out();
        List<Integer> free = new ArrayList<>();
        for (int n = 0; n < 256; n++) {
            if (!routes.contains("10.244." + n + ".")) {
                free.add(n);
            }
        }
        if (free.isEmpty()) {
            throw new IllegalStateException("no free 10.244.N.0/24 for the pod network");
        }
        String id = Long.toHexString(ThreadLocalRandom.current().nextLong(0x100000, 0xffffff));
        PodNetwork network = new PodNetwork(id, "10.244." + free.get(ThreadLocalRandom.current().nextInt(free.size())));
        try {
            network.up();
            return network;
        } catch (RuntimeException e) {
            network.close();
            throw e;
        }
    }

    private void up() {
        ip("link", "add", "name", bridge, "type", "bridge").orFail("creating the bridge " + bridge);
        bridgeCreated = true;
        ip("addr", "add", gateway() + "/24", "dev", bridge).orFail("addressing the bridge");
        ip("link", "set", bridge, "up").orFail("setting the bridge up");
        try {
            Files.writeString(Path.of("/proc/sys/net/ipv4/conf", bridge, "route_localnet"), "1");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot let the bridge route to loopback (route_localnet)", e);
        }
    }

    /**
     * Leads what pods send to {@code serviceAddress:443} (the {@code kubernetes} Service) to the
     * API server on 127.0.0.1.
     */
    void routeServiceToLoopback(String serviceAddress, int apiServerPort) {
        iptables("-N", chain).orFail("creating the chain " + chain);
        chainCreated = true;
        iptables("-A", chain, "-d", serviceAddress + "/32", "-p", "tcp", "--dport", "443", "-j", "DNAT",
                "--to-destination", "127.0.0.1:" + apiServerPort).orFail("adding the DNAT rule to the API server");
        iptables("-A", "PREROUTING", "-i", bridge, "-j", chain).orFail("jumping to " + chain + " from PREROUTING");
    }

    String bridge() {
        return bridge;
    }

    /** The machine's address on the pod network. */
    String gateway() {
        return subnetPrefix + ".1";
    }

    String subnet() {
        return subnetPrefix + ".0/24";
    }

    /** The CNI configuration of the pods: this bridge, addresses from the subnet, no masquerading. */
    String cniConfiguration(Path ipamState) {
        return """
                {
                  "cniVersion": "0.4.0",
                  "name": "metalprov",
                  "plugins": [{
                    "type": "bridge",
                    "bridge": "%s",
                    "isGateway": false,
                    "ipMasq": false,
                    "hairpinMode": true,
                    "ipam": {
                      "type": "host-local",
                      "dataDir": "%s",
                      "ranges": [[{ "subnet": "%s", "gateway": "%s" }]],
                      "routes": [{ "dst": "0.0.0.0/0", "gw": "%s" }]
                    }
                  }]
                }
                """.formatted(bridge, ipamState.toAbsolutePath(), subnet(), gateway(), gateway());
    }

    @Override
    public void close() {
        if (chainCreated) {
            iptables("-D", "PREROUTING", "-i", bridge, "-j", chain);
            iptables("-F", chain);
            iptables("-X", chain);
        }
        if (bridgeCreated) {
            ip("link", "del", bridge);
        }
    }

    private static Processes.Result iptables(String... arguments) {
        List<String> command = new ArrayList<>(List.of("iptables", "-w", "-t", "nat"));
        command.addAll(List.of(arguments));
        return Processes.run(command, Map.of(), Duration.ofSeconds(30));
    }

    private static Processes.Result ip(String... arguments) {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(arguments));
        return Processes.run(command, Map.of(), Duration.ofSeconds(30));
    }
}
