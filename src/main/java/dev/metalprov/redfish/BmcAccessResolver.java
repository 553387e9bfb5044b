package dev.metalprov.redfish;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.metalprov.api.v1alpha1.BMC;
import dev.metalprov.api.v1alpha1.BMCSecret;
import dev.metalprov.api.v1alpha1.LocalObjectReference;
import dev.metalprov.api.v1alpha1.Protocol;
import dev.metalprov.api.v1alpha1.ProtocolScheme;
import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.server.BmcException;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Works out how to reach a server's BMC: from its BMC object, or from the access written inline.
 * BMC objects and BMCSecrets come from the caller's informer caches; only the CA of
 * {@code spec.tls.caSecretRef} is read from the API server, and kept for a while, as the operator
 * does not watch Secrets.
 */
@ApplicationScoped
public class BmcAccessResolver {

    static final String CA_KEY = "ca.crt";

    @Inject
    KubernetesClient client;

    /** How long a CA read from its Secret is used before it is read again. */
    static final Duration CA_TTL = Duration.ofMinutes(1);

    private record CachedCa(String pem, Instant readAt) {
    }

    private final Map<String, CachedCa> caCache = new ConcurrentHashMap<>();

    @Inject
    Clock clock;

    public BmcAccess resolve(Server server, BmcDirectory directory) {
        var spec = server.getSpec();
        if (spec.getBmc() != null) {
            return access(spec.getBmc().getAddress(), spec.getBmc().getProtocol(), spec.getBmc().getBmcSecretRef(), false,
                    directory, "spec.bmc");
        }
        if (spec.getBmcRef() == null) {
            throw new BmcException(BmcException.CONFIGURATION_ERROR, "server " + server.getMetadata().getName()
                    + " names no BMC: set spec.bmcRef or spec.bmc");
        }
        BMC bmc = directory.bmc(spec.getBmcRef().getName()).orElseThrow(() -> new BmcException(
                BmcException.CONFIGURATION_ERROR, "BMC " + spec.getBmcRef().getName() + " of spec.bmcRef does not exist"));
        return resolve(bmc, directory);
    }

    public BmcAccess resolve(BMC bmc, BmcDirectory directory) {
        if (bmc.getSpec().getAccess() == null) {
            throw new BmcException(BmcException.CONFIGURATION_ERROR, "BMC " + bmc.getMetadata().getName()
                    + " uses spec.endpointRef, which this operator does not serve; use spec.access");
        }
        var tls = bmc.getSpec().getTls();
        boolean insecure = tls != null && Boolean.TRUE.equals(tls.getInsecureSkipVerify());
        BmcAccess access = access(bmc.getSpec().getAccess().getIp(), bmc.getSpec().getProtocol(), bmc.getSpec().getBmcSecretRef(),
                insecure, directory, "BMC " + bmc.getMetadata().getName());
        if (tls == null || tls.getCaSecretRef() == null) {
            return access;
        }
        return new BmcAccess(access.endpoint(), access.username(), access.password(), insecure, caCertificates(tls.getCaSecretRef()));
    }

    /** The PEM of the CA Secret (key ca.crt) in the operator's namespace. */
    private String caCertificates(LocalObjectReference ref) {
        Instant now = clock.instant();
        CachedCa cached = caCache.get(ref.getName());
        if (cached != null && cached.readAt().plus(CA_TTL).isAfter(now)) {
            return cached.pem();
        }
        Secret secret = client.secrets().inNamespace(client.getNamespace()).withName(ref.getName()).get();
        String encoded = secret == null || secret.getData() == null ? null : secret.getData().get(CA_KEY);
        if (encoded == null) {
            throw new BmcException(BmcException.CONFIGURATION_ERROR, "Secret " + ref.getName() + " in namespace "
                    + client.getNamespace() + " has no key " + CA_KEY + " for spec.tls.caSecretRef");
        }
        String pem = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        caCache.put(ref.getName(), new CachedCa(pem, now));
        return pem;
    }

    /**
     * The URL of a BMC. Without {@code protocol.scheme} it is plain http, as upstream's default is:
     * the same manifest reaches the same port the same way here and there.
     */
    static URI endpoint(String address, Protocol protocol) {
        ProtocolScheme scheme = protocol.getScheme() == null ? ProtocolScheme.HTTP : protocol.getScheme();
        String host = address.contains(":") && !address.startsWith("[") ? "[" + address + "]" : address;
        return URI.create(scheme.value().toLowerCase(Locale.ROOT) + "://" + host + ":" + protocol.getPort() + "/");
    }

    private BmcAccess access(String address, Protocol protocol, LocalObjectReference secretRef, boolean insecure,
            BmcDirectory directory, String owner) {
        if (!protocol.getName().isRedfish()) {
            throw new BmcException(BmcException.CONFIGURATION_ERROR, "protocol " + protocol.getName()
                    + " is not served; only Redfish is");
        }
        BMCSecret secret = directory.secret(secretRef.getName()).orElseThrow(() -> new BmcException(
                BmcException.CONFIGURATION_ERROR, "BMCSecret " + secretRef.getName() + " named by " + owner + " does not exist"));
        String username = secret.username().orElseThrow(() -> new BmcException(BmcException.CONFIGURATION_ERROR,
                "BMCSecret " + secretRef.getName() + " has no username"));
        String password = secret.password().orElseThrow(() -> new BmcException(BmcException.CONFIGURATION_ERROR,
                "BMCSecret " + secretRef.getName() + " has no password"));
        return new BmcAccess(endpoint(address, protocol), username, password, insecure);
    }
}
