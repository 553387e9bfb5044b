package dev.metalprov.api.v1alpha1;

/**
 * Names shared by every kind of the {@code metal.ironcore.dev/v1alpha1} API: the group and
 * version, and the finalizers and annotations that manifests written for IronCore's
 * metal-operator already use.
 */
public final class Metal {

    public static final String GROUP = "metal.ironcore.dev";
    public static final String VERSION = "v1alpha1";
    public static final String API_VERSION = GROUP + "/" + VERSION;

    public static final String SERVER_FINALIZER = GROUP + "/server";
    public static final String SERVER_CLAIM_FINALIZER = GROUP + "/serverclaim";

    /** One-shot operation on a Server; performed once, then removed by the operator. */
    public static final String OPERATION_ANNOTATION = GROUP + "/operation";

    /**
     * Upstream's durable mark of a parked Server, written by the operator with the value
     * {@code "true"} when a park is done and removed by unpark. Being in the metadata, it
     * survives a status that is lost or wiped.
     */
    public static final String PARKED_ANNOTATION = GROUP + "/parked";

    /**
     * Additions of this operator, in its own domain: the uid of the claim a server is bound to
     * (so that a consistent list by label finds a claim's server without trusting any cache), and
     * the boot configuration a one-time network boot was last requested for.
     */
    public static final String CLAIM_UID_LABEL = "metalprov.dev/claim-uid";
    public static final String NETWORK_BOOT_ANNOTATION = "metalprov.dev/network-boot-for";

    /**
     * How a claim's server boots from the network: {@code IPXE} (the default) or {@code HTTP}
     * for UEFI HTTP boot of the image's UKI. Set on the ServerClaim; copied to its boot
     * configuration.
     */
    public static final String BOOT_METHOD_ANNOTATION = "metalprov.dev/boot-method";

    /** The type a Secret named by a claim's {@code spec.userDataRef} must have, as upstream requires. */
    public static final String USER_DATA_SECRET_TYPE = GROUP + "/user-data";

    /**
     * Labels and annotations of a Server under this prefix are handed to the machine by the
     * metadata service, without the prefix (upstream's rack, shelf and location labels use it).
     */
    public static final String METADATA_KEY_PREFIX = "metadata." + GROUP + "/";

    private Metal() {
    }
}
