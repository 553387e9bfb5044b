package dev.metalprov.boot;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.metalprov.boot.BootImage.Part;
import dev.metalprov.common.OperatorConfig;

/**
 * The URLs machines are given for the boot server: the advertised URL when one is configured,
 * otherwise the address the boot server listens on (useful on one host only).
 */
@ApplicationScoped
public class BootUrls {

    @Inject
    OperatorConfig config;

    private volatile String listening;

    void listeningOn(String host, int port) {
        String reachable = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
        listening = "http://" + reachable + ":" + port;
    }

    /** The base URL, once it is known: configured, or the boot server is listening. */
    public Optional<String> base() {
        Optional<String> advertised = config.boot().advertisedUrl().map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u);
        return advertised.isPresent() ? advertised : Optional.ofNullable(listening);
    }

    /** Where a machine fetches a layer of its image, as its script names it. */
    public Optional<String> layer(String uuid, Part part) {
        return base().map(b -> new BootScripts.Links(b, uuid, null).layer(part));
    }
}
