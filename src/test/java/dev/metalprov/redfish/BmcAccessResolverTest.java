package dev.metalprov.redfish;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.metalprov.api.v1alpha1.BMC;
import dev.metalprov.api.v1alpha1.BMCAccess;
import dev.metalprov.api.v1alpha1.BMCSecret;
import dev.metalprov.api.v1alpha1.BMCSpec;
import dev.metalprov.api.v1alpha1.InlineEndpoint;
import dev.metalprov.api.v1alpha1.LocalObjectReference;
import dev.metalprov.api.v1alpha1.Protocol;
import dev.metalprov.api.v1alpha1.ProtocolName;
import dev.metalprov.api.v1alpha1.ProtocolScheme;
import dev.metalprov.api.v1alpha1.Server;
import dev.metalprov.api.v1alpha1.ServerSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

/** Which URL a BMC is reached at, from its BMC object or the access written inline on a server. */
class BmcAccessResolverTest {

    final BmcAccessResolver resolver = new BmcAccessResolver();

    final BmcDirectory directory = new BmcDirectory() {
        @Override
        public Optional<BMC> bmc(String name) {
            return Optional.of(BmcAccessResolverTest.bmc(null));
        }

        @Override
        public Optional<BMCSecret> secret(String name) {
            BMCSecret secret = new BMCSecret();
            secret.setMetadata(new ObjectMetaBuilder().withName(name).build());
            secret.setStringData(Map.of("username", "admin", "password", "secret"));
            return Optional.of(secret);
        }
    };

    @Test
    void aBmcWithoutASchemeIsSpokenToOverPlainHttpAsUpstreamDoes() {
        assertEquals("http://10.0.0.5:8000/", resolver.resolve(bmc(null), directory).endpoint().toString());
        assertEquals("http://10.0.0.6:623/", resolver.resolve(inlineServer(null), directory).endpoint().toString());
    }

    @Test
    void aSchemeThatIsGivenIsUsed() {
        assertEquals("https://10.0.0.5:8000/", resolver.resolve(bmc(ProtocolScheme.HTTPS), directory).endpoint().toString());
        assertEquals("http://10.0.0.5:8000/", resolver.resolve(bmc(ProtocolScheme.HTTP), directory).endpoint().toString());
        assertEquals("https://10.0.0.6:623/", resolver.resolve(inlineServer(ProtocolScheme.HTTPS), directory).endpoint().toString());
    }

    private static BMC bmc(ProtocolScheme scheme) {
        BMC bmc = new BMC();
        bmc.setMetadata(new ObjectMetaBuilder().withName("bmc-1").build());
        BMCSpec spec = new BMCSpec();
        spec.setAccess(new InlineEndpoint("10.0.0.5", null));
        spec.setProtocol(new Protocol(ProtocolName.REDFISH, 8000, scheme));
        spec.setBmcSecretRef(new LocalObjectReference("bmc-secret"));
        bmc.setSpec(spec);
        return bmc;
    }

    private static Server inlineServer(ProtocolScheme scheme) {
        Server server = new Server();
        server.setMetadata(new ObjectMetaBuilder().withName("s1").build());
        ServerSpec spec = new ServerSpec();
        spec.setSystemUUID("5ca1ab1e-0000-4000-8000-000000000001");
        BMCAccess access = new BMCAccess();
        access.setAddress("10.0.0.6");
        access.setProtocol(new Protocol(ProtocolName.REDFISH, 623, scheme));
        access.setBmcSecretRef(new LocalObjectReference("bmc-secret"));
        spec.setBmc(access);
        server.setSpec(spec);
        return server;
    }
}
