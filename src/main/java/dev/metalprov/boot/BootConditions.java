package dev.metalprov.boot;

/** The conditions and reasons the boot service reports on a ServerBootConfiguration. */
public final class BootConditions {

    /** Whether spec.image resolves to layers the requested boot method can boot. */
    public static final String IMAGE_VALIDATION = "ImageValidation";
    public static final String IMAGE_RESOLVED = "ImageResolved";
    public static final String UKI_MISSING = "UKIMissing";
    public static final String KERNEL_MISSING = "KernelMissing";
    public static final String UNKNOWN_BOOT_METHOD = "UnknownBootMethod";
    public static final String BOOT_URL_UNKNOWN = "BootURLUnknown";

    /** Whether the Ignition Secret exists and holds Ignition. */
    public static final String IGNITION_VALIDATION = "IgnitionValidation";

    /** Set when the machine fetched its iPXE script (or UEFI HTTP boot answer), and its Ignition. */
    public static final String IPXE_SCRIPT_FETCHED = "IPXEScriptFetched";
    public static final String SCRIPT_SERVED = "ScriptServed";
    public static final String HTTP_BOOT_ANSWER_SERVED = "HTTPBootAnswerServed";
    public static final String IGNITION_DATA_FETCHED = "IgnitionDataFetched";
    public static final String IGNITION_SERVED = "IgnitionServed";

    private BootConditions() {
    }
}
