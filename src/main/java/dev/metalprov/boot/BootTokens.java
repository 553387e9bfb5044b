package dev.metalprov.boot;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.metalprov.api.v1alpha1.ServerBootConfiguration;
import dev.metalprov.common.OperatorConfig;

/**
 * The per-configuration token the Ignition URL requires: an HMAC of the boot configuration's
 * uid under the operator's key. Nothing is stored: the token follows from the key and the uid,
 * it is unguessable without the key, and a new boot configuration (a new claim) gets a new one.
 */
@ApplicationScoped
public class BootTokens {

    private static final Logger LOG = Logger.getLogger(BootTokens.class);
    private static final String ALGORITHM = "HmacSHA256";

    @Inject
    OperatorConfig config;

    private SecretKeySpec key;

    @PostConstruct
    void init() {
        byte[] material;
        if (config.boot().tokenKey().filter(k -> !k.isBlank()).isPresent()) {
            material = config.boot().tokenKey().get().getBytes(StandardCharsets.UTF_8);
        } else {
            material = new byte[32];
            new SecureRandom().nextBytes(material);
            if (config.boot().enabled()) {
                LOG.info("metal.boot.token-key is not set; Ignition tokens use a key made at start-up and change on restart");
            }
        }
        key = new SecretKeySpec(material, ALGORITHM);
    }

    public String tokenFor(ServerBootConfiguration configuration) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            byte[] digest = mac.doFinal(configuration.getMetadata().getUid().getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    /** Compares in constant time, so that the answer's timing does not tell how much of a guess was right. */
    public boolean matches(ServerBootConfiguration configuration, String presented) {
        if (presented == null) {
            return false;
        }
        return MessageDigest.isEqual(tokenFor(configuration).getBytes(StandardCharsets.US_ASCII),
                presented.getBytes(StandardCharsets.US_ASCII));
    }
}
