package dev.metalprov.claim;

/** The condition types of a ServerClaim and the reasons they carry. */
public final class ClaimConditions {

    public static final String BOUND = "Bound";
    public static final String BOOT_CONFIGURATION_READY = "BootConfigurationReady";
    public static final String POWER_STATE_REACHED = "PowerStateReached";
    /** Only on a claim that names user data (spec.userDataRef). */
    public static final String USER_DATA_READY = "UserDataReady";

    // Bound
    public static final String SERVER_BOUND = "ServerBound";
    public static final String SERVER_REF_MISMATCH = "ServerRefMismatch";
    public static final String SERVER_NOT_FOUND = "ServerNotFound";
    public static final String SERVER_NOT_AVAILABLE = "ServerNotAvailable";
    public static final String NO_MATCHING_SERVER = "NoMatchingServer";
    public static final String BIND_CONFLICT = "BindConflict";

    // BootConfigurationReady
    public static final String NOT_BOUND = "NotBound";
    public static final String IGNITION_SECRET_MISSING = "IgnitionSecretMissing";
    public static final String WAITING_FOR_BOOT_SERVICE = "WaitingForBootService";
    public static final String BOOT_CONFIGURATION_ERROR = "BootConfigurationError";
    public static final String BOOT_CONFIGURATION_IS_READY = "BootConfigurationReady";

    // PowerStateReached
    public static final String WAITING_FOR_BOOT_CONFIGURATION = "WaitingForBootConfiguration";
    public static final String POWER_TRANSITION = "PowerTransition";
    public static final String POWER_REACHED = "PowerStateReached";
    public static final String NETWORK_BOOT_NOT_KEPT = "NetworkBootNotKept";
    public static final String BMC_UNREACHABLE = "BMCUnreachable";

    // UserDataReady
    public static final String USER_DATA_AVAILABLE = "UserDataAvailable";
    public static final String USER_DATA_SECRET_MISSING = "UserDataSecretMissing";
    public static final String USER_DATA_SECRET_WRONG_TYPE = "UserDataSecretWrongType";

    private ClaimConditions() {
    }
}
