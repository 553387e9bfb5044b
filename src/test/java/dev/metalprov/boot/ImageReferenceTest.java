package dev.metalprov.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Image references read as container tooling reads them, and refused with a reason when they are not ones. */
class ImageReferenceTest {

    @ParameterizedTest
    @CsvSource({
            "my-osimage:latest, docker.io, library/my-osimage, latest",
            "my-osimage, docker.io, library/my-osimage, latest",
            "ironcore/os:1.0, docker.io, ironcore/os, 1.0",
            "ghcr.io/ironcore-dev/os-images/gardenlinux:1877.0, ghcr.io, ironcore-dev/os-images/gardenlinux, 1877.0",
            "127.0.0.1:5000/os/plain:v1, 127.0.0.1:5000, os/plain, v1",
            "localhost/os/plain, localhost, os/plain, latest",
    })
    void readsRegistryRepositoryAndTag(String image, String registry, String repository, String tag) throws ImageException {
        ImageReference reference = ImageReference.parse(image);
        assertEquals(registry, reference.registry());
        assertEquals(repository, reference.repository());
        assertEquals(tag, reference.reference());
        assertFalse(reference.pinned());
    }

    @Test
    void aDigestWinsOverTheTag() throws ImageException {
        String digest = "sha256:" + "a".repeat(64);
        ImageReference reference = ImageReference.parse("ghcr.io/os/image:1.0@" + digest);
        assertEquals(digest, reference.reference());
        assertTrue(reference.pinned());
        assertEquals("ghcr.io/os/image@" + digest, reference.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "  ", "Not An Image!", "ghcr.io/UPPER/case:1", "ghcr.io/os/image:bad tag", "os@sha256:short" })
    void refusesWhatIsNoReference(String image) {
        ImageException refused = assertThrows(ImageException.class, () -> ImageReference.parse(image));
        assertEquals(ImageException.Reason.INVALID_REFERENCE, refused.reason());
        assertTrue(refused.getMessage().contains("spec.image"), refused.getMessage());
    }

    @Test
    void ignitionIsCheckedWithoutQuotingIt() {
        assertTrue(IgnitionSecrets.problem("{\"ignition\":{\"version\":\"3.4.0\"}}".getBytes()).isEmpty());
        assertTrue(IgnitionSecrets.problem("{\"ignition\":{}}".getBytes()).orElseThrow().contains("ignition.version"));
        assertTrue(IgnitionSecrets.problem("[1,2]".getBytes()).orElseThrow().contains("not a JSON object"));
        String secret = "password: s3cr3t";
        assertFalse(IgnitionSecrets.problem(secret.getBytes()).orElseThrow().contains("s3cr3t"));
    }
}
