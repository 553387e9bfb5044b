package dev.metalprov.boot;

import java.util.Optional;

/**
 * An image resolved to what a network boot needs: the registry it is pulled from (a mirror, if
 * one is configured), the manifest's digest, and the layers by role. A kernel and an initramfs
 * boot over iPXE; a unified kernel image (UKI) boots over UEFI HTTP boot.
 */
public record BootImage(ImageReference reference, Source source, String manifestDigest, Layer kernel, Layer initramfs,
        Layer rootfs, Layer uki, String commandLine) {

    /** Where the layers are fetched from: host[:port], repository, and whether it speaks plain HTTP. */
    public record Source(String host, String repository, boolean plainHttp) {

        public String baseUrl() {
            return (plainHttp ? "http://" : "https://") + host + "/v2/" + repository;
        }
    }

    public record Layer(String digest, String mediaType, long size) {
    }

    /** The layers a boot can ask for by name in a URL. */
    public enum Part {
        KERNEL("kernel"),
        INITRAMFS("initramfs"),
        ROOTFS("rootfs"),
        UKI("uki");

        private final String path;

        Part(String path) {
            this.path = path;
        }

        public String path() {
            return path;
        }

        public static Optional<Part> ofPath(String path) {
            for (Part part : values()) {
                if (part.path.equals(path)) {
                    return Optional.of(part);
                }
            }
            return Optional.empty();
        }
    }

    public Optional<Layer> layer(Part part) {
        return Optional.ofNullable(switch (part) {
            case KERNEL -> kernel;
            case INITRAMFS -> initramfs;
            case ROOTFS -> rootfs;
            case UKI -> uki;
        });
    }

    public boolean bootsOverIpxe() {
        return kernel != null && initramfs != null;
    }

    public boolean bootsOverHttp() {
        return uki != null;
    }
}
