package dev.metalprov.boot;

import java.util.Locale;
import java.util.Map;

import dev.metalprov.api.v1alpha1.Metal;
import io.fabric8.kubernetes.api.model.HasMetadata;

/** How a server boots from the network, as the {@link Metal#BOOT_METHOD_ANNOTATION} annotation asks. */
public enum BootMethod {
    /** PXE into iPXE, which fetches a script naming kernel and initramfs: the default. */
    IPXE,
    /** UEFI HTTP boot straight into the image's unified kernel image. */
    HTTP;

    /**
     * The method an object asks for; IPXE when it does not say.
     *
     * @throws IllegalArgumentException naming the annotation, for a value that is neither
     */
    public static BootMethod of(HasMetadata object) {
        Map<String, String> annotations = object.getMetadata().getAnnotations();
        String value = annotations == null ? null : annotations.get(Metal.BOOT_METHOD_ANNOTATION);
        if (value == null || value.isBlank()) {
            return IPXE;
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("annotation " + Metal.BOOT_METHOD_ANNOTATION + " is '" + value
                    + "'; it takes IPXE or HTTP", e);
        }
    }
}
