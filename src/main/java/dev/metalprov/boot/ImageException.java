package dev.metalprov.boot;

/** Why an image cannot be booted, as a condition reason and a message a user can act on. */
public class ImageException extends Exception {

    public enum Reason {
        INVALID_REFERENCE("InvalidImageReference"),
        REGISTRY_NOT_ALLOWED("RegistryNotAllowed"),
        REGISTRY_UNREACHABLE("RegistryUnreachable"),
        ACCESS_DENIED("RegistryAccessDenied"),
        NOT_FOUND("ImageNotFound"),
        UNSUPPORTED_MANIFEST("UnsupportedManifest"),
        MISSING_LAYERS("MissingBootLayers");

        private final String conditionReason;

        Reason(String conditionReason) {
            this.conditionReason = conditionReason;
        }

        public String conditionReason() {
            return conditionReason;
        }
    }

    private final Reason reason;

    public ImageException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
